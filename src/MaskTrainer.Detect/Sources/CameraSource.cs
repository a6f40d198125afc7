using System.Diagnostics;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Sources;

/// <summary>A camera (cv::VideoCapture on device N). Wrap it in <see cref="RetryingSource"/> to survive hiccups.</summary>
public sealed class CameraSource : IFrameSource
{
    private static readonly long Start = Stopwatch.GetTimestamp();
    private readonly VideoCapture _capture;

    /// <exception cref="CameraUnavailableException">The camera cannot be opened (message says why).</exception>
    public CameraSource(int index)
    {
        _capture = VideoIo.OpenCamera(index);

        // One buffered frame: with the driver's default (often 4) a late reader gets frames that
        // are 4 frame-times old. Back-ends without the property ignore it.
        _capture.Set(VideoCaptureProperties.BufferSize, 1);
        Name = $"camera {index}";
        var fps = _capture.Fps;
        Fps = fps is > 0 and < 1000 ? fps : 30;
    }

    public string Name { get; }

    public bool IsLive => true;

    public double Fps { get; }

    public long FrameTimestamp { get; private set; }

    public bool Read(Mat frame, out double timeMs)
    {
        var ok = _capture.Read(frame);
        // The read returns as the frame arrives (or at once with the one buffered): the best
        // estimate of its delivery that the back-ends give.
        FrameTimestamp = Stopwatch.GetTimestamp();
        timeMs = Stopwatch.GetElapsedTime(Start).TotalMilliseconds;
        return ok;
    }

    public void Dispose() => _capture.Dispose();
}
