using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Inference;

/// <summary>A catalog face detector (res10, BlazeFace, UltraFace, Haar, ...) as the frame loop's detection step.</summary>
public sealed class CatalogFaceDetector : IFrameFaceDetector
{
    private readonly IFaceDetector _detector;
    private readonly float? _minConfidence;

    /// <param name="detector">The detector; owned (disposed) by this object.</param>
    /// <param name="minConfidence">--min-face-confidence, or null for the detector's default.</param>
    public CatalogFaceDetector(IFaceDetector detector, float? minConfidence)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        _minConfidence = minConfidence;
    }

    public string Name => _detector.Id;

    /// <summary>The detector's own threshold, used when --min-face-confidence is not given.</summary>
    public float DefaultMinConfidence => _detector.DefaultMinConfidence;

    /// <summary>
    /// Whether --min-face-confidence replaces one network's own threshold (UltraFace, res10, BlazeFace;
    /// blazeface-back-verified is BlazeFace-back with the verifier after it). The composite detectors'
    /// passes keep their own thresholds (the value only drops faces scored below it), and Haar's score is no network's.
    /// </summary>
    public bool SingleNetwork => _detector is UltraFaceDetector or Res10SsdDetector or BlazeFaceDetector or VerifiedFaceDetector;

    public void Detect(Mat frame, List<FaceBox> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        faces.Clear();
        foreach (var f in _detector.Detect(frame, _minConfidence))
        {
            faces.Add(new FaceBox(f.Box, f.Score));
        }
    }

    public void Dispose() => _detector.Dispose();
}
