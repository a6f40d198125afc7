using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>The detection step of the frame loop: finds the faces of one frame. Used by one thread.</summary>
public interface IFrameFaceDetector : IDisposable
{
    /// <summary>Short name for messages, e.g. the catalog id "res10".</summary>
    string Name { get; }

    /// <summary>Clears <paramref name="faces"/> and fills it with the faces of <paramref name="frame"/> (8-bit BGR).</summary>
    void Detect(Mat frame, List<FaceBox> faces);
}
