using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Sources;

/// <summary>Frames of a video file, optionally played again from the start when it ends (--loop, for soak tests and benchmarks).</summary>
public sealed class VideoFileSource : IFrameSource
{
    /// <summary>Frame rate assumed when the container does not say.</summary>
    public const double FallbackFps = 25;

    private readonly bool _loop;
    private readonly int _decodeThreads;
    private VideoCapture _capture;
    private long _frames;

    /// <param name="path">The video file.</param>
    /// <param name="loop">Play it again from the start when it ends.</param>
    /// <param name="decodeThreads">The decoder's threads (0 = one per core; <see cref="VideoIo.OpenFile"/>).</param>
    /// <exception cref="ImagingException">The file is missing or cannot be decoded (message names it).</exception>
    public VideoFileSource(string path, bool loop = false, int decodeThreads = 0)
    {
        _decodeThreads = decodeThreads;
        _capture = VideoIo.OpenFile(path, decodeThreads: decodeThreads);
        _loop = loop;
        Name = path;
        var fps = _capture.Fps;
        Fps = fps is > 0 and < 1000 ? fps : FallbackFps;
    }

    public string Name { get; }

    public bool IsLive => false;

    public double Fps { get; }

    public bool Read(Mat frame, out double timeMs)
    {
        timeMs = _frames * 1000.0 / Fps;
        if (_capture.Read(frame))
        {
            _frames++;
            return true;
        }

        if (!_loop || _frames == 0)
        {
            return false;
        }

        // Reopening is more reliable than seeking to 0 across back-ends and containers.
        _capture.Dispose();
        _capture = VideoIo.OpenFile(Name, decodeThreads: _decodeThreads);
        if (!_capture.Read(frame))
        {
            return false;
        }

        _frames++;
        return true;
    }

    /// <summary>
    /// Moves past the next frame without converting it to BGR (a --realtime reader that came late
    /// skips frames this way); false at the end of the file. A looping source wraps around in
    /// <see cref="Read"/>, so a skip at the very end is only lost, not an error.
    /// </summary>
    public bool Skip()
    {
        if (!_capture.Grab())
        {
            return false;
        }

        _frames++;
        return true;
    }

    public void Dispose() => _capture.Dispose();
}
