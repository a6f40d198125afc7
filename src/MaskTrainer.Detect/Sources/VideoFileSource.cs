using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Sources;

/// <summary>Frames of a video file, optionally played again from the start when it ends (--loop, for soak tests and benchmarks).</summary>
public sealed class VideoFileSource : IFrameSource
{
    /// <summary>Frame rate assumed when the container does not say (or says 0, or more than <see cref="MaxFps"/>).</summary>
    public const double FallbackFps = 25;

    /// <summary>The highest frame rate taken from a container, included.</summary>
    public const double MaxFps = 1000;

    private readonly bool _loop;
    private readonly int _decodeThreads;
    private VideoCapture _capture;
    private long _frames;
    private long _pass; // frames read since the file was last opened

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
        // Above 1000 fps is taken for a container's junk value; 1000 itself (1 ms frames, high-speed
        // cameras) is a real rate, timed at 25 before.
        Fps = fps is > 0 and <= MaxFps ? fps : FallbackFps;
        ExpectedFrames = Math.Max(0, _capture.FrameCount);
    }

    /// <summary>The frames the container says the video has (an estimate for some formats); 0 when it does not say.</summary>
    public long ExpectedFrames { get; }

    /// <summary>
    /// A video whose frames stop well before the count its container gives (a file cut short by a
    /// copy or a crash, or damaged): the run still shows what could be read, and this says so, since
    /// the end of a file otherwise looks like the end of the video. The count is an estimate for
    /// some formats, hence the tolerance (<see cref="Tolerance"/>).
    /// </summary>
    public string? Warning { get; private set; }

    /// <summary>Frames the container's count may be off by before a short video is reported: 2 % of it, at least 2.</summary>
    public static long Tolerance(long expected) => Math.Max(2, expected / 50);

    public string Name { get; }

    public bool IsLive => false;

    public double Fps { get; }

    public bool Read(Mat frame, out double timeMs)
    {
        timeMs = _frames * 1000.0 / Fps;
        if (_capture.Read(frame))
        {
            _frames++;
            _pass++;
            return true;
        }

        if (Warning is null && ExpectedFrames > 0 && _pass < ExpectedFrames - Tolerance(ExpectedFrames))
        {
            Warning = $"{Name}: the video ended after {_pass} of its {ExpectedFrames} frames (truncated or damaged?)";
        }

        if (!_loop || _frames == 0)
        {
            return false;
        }

        // Reopening is more reliable than seeking to 0 across back-ends and containers.
        _capture.Dispose();
        _capture = VideoIo.OpenFile(Name, decodeThreads: _decodeThreads);
        _pass = 0;
        if (!_capture.Read(frame))
        {
            return false;
        }

        _frames++;
        _pass++;
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
        _pass++;
        return true;
    }

    public void Dispose() => _capture.Dispose();
}
