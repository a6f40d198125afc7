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

    /// <summary>
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the frame last read came into
    /// being (a live source: when the camera delivered it, or when a --realtime file's frame was
    /// due), where a frame's latency starts; 0 when the source does not know (files, images): then
    /// it starts when the read began.
    /// </summary>
    long FrameTimestamp => 0;

    /// <summary>Frames a live source skipped itself because the reader came late (the newest frame wins).</summary>
    long Skipped => 0;

    /// <summary>A problem with the input found while reading it, said once after the run (a video that ended before its last frame); null when none.</summary>
    string? Warning => null;
}
