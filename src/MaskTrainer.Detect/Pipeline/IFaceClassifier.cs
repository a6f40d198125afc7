using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>The classification step of the frame loop: class probabilities for faces of one frame, in one batch. Used by one thread.</summary>
public interface IFaceClassifier : IDisposable
{
    /// <summary>Class names in output order.</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>
    /// Crops each face of <paramref name="frame"/> the way the model was trained and classifies
    /// them together; writes faces.Length x Labels.Count probabilities, face after face.
    /// </summary>
    void Classify(Mat frame, ReadOnlySpan<Rect> faces, Span<float> probabilities);
}
