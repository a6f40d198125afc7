using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Sources;

/// <summary>Where frames come from: a camera, a video file or one image. Used by one thread.</summary>
public interface IFrameSource : IDisposable
{
    /// <summary>"camera 0", or the file path: used in messages.</summary>
    string Name { get; }

    /// <summary>True for cameras: frames arrive in real time and never "end".</summary>
    bool IsLive { get; }

    /// <summary>The nominal frame rate (for the output video), 0 when unknown.</summary>
    double Fps { get; }

    /// <summary>
    /// Reads the next frame into <paramref name="frame"/>, reusing its buffer.
    /// <paramref name="timeMs"/> is the frame's time: its position in a video file, the time
    /// since the camera was first opened, 0 for an image. False when the input ended.
    /// </summary>
    bool Read(Mat frame, out double timeMs);
}
