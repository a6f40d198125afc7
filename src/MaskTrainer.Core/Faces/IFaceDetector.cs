using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// A face detector: BGR image in, faces out (boxes in image coordinates, scores, NMS applied,
/// highest score first). Implementations serialise calls internally, so one instance may be
/// shared by threads; create one per thread for throughput.
/// </summary>
public interface IFaceDetector : IDisposable
{
    /// <summary>Catalog id of the model, e.g. "res10".</summary>
    string Id { get; }

    /// <summary>The confidence under which detections are dropped when none is given.</summary>
    float DefaultMinConfidence { get; }

    /// <summary>Finds faces in an 8-bit BGR image.</summary>
    /// <param name="image">8-bit, 3-channel BGR image.</param>
    /// <param name="minConfidence">Detections below this score are dropped; null = <see cref="DefaultMinConfidence"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="image"/> is empty or not 8-bit BGR.</exception>
    /// <exception cref="ObjectDisposedException">The detector or <paramref name="image"/> was disposed.</exception>
    IReadOnlyList<DetectedFace> Detect(Mat image, float? minConfidence = null);
}
