namespace MaskTrainer.Faces;

/// <summary>A detector that may check its faces with a second stage (the fused detectors).</summary>
public interface IVerifiedFaceDetector : IFaceDetector
{
    /// <summary>The second stage, or null when faces are not verified.</summary>
    FaceVerification? Verification { get; }
}
