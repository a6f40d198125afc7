using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// One detector whose faces the <see cref="FaceVerifier"/> checks
/// (<see cref="FaceDetectors.BackVerifiedId"/>). It is what the default cascade becomes when res10
/// cannot be fetched: res10 comes from GitHub, while BlazeFace and the verifier come from npm. That
/// way a fresh machine with only the package registries still rejects the faces BlazeFace-back sees
/// in textures and animals.
/// </summary>
public sealed class VerifiedFaceDetector : IVerifiedFaceDetector
{
    private readonly IFaceDetector _inner;

    /// <param name="id">The id recorded in models (so <see cref="FaceDetectors.Create"/> makes the same detector again).</param>
    /// <param name="inner">The detector; owned (disposed with this one).</param>
    /// <param name="verification">The second stage; owned.</param>
    public VerifiedFaceDetector(string id, IFaceDetector inner, FaceVerification verification)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Verification = verification ?? throw new ArgumentNullException(nameof(verification));
    }

    public string Id { get; }

    public float DefaultMinConfidence => _inner.DefaultMinConfidence;

    public FaceVerification Verification { get; }

    public IReadOnlyList<DetectedFace> Detect(Mat image, float? minConfidence = null)
    {
        ImageArgument.ThrowIfNullOrDisposed(image);
        return Verification.Filter(_inner.Detect(image, minConfidence), image);
    }

    public void Dispose()
    {
        _inner.Dispose();
        Verification.Dispose();
    }
}
