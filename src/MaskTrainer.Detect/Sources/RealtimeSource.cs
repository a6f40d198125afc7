using System.Diagnostics;
using OpenCvSharp;

namespace MaskTrainer.Detect.Sources;

/// <summary>
/// A video file played at its own frame rate, as a camera would deliver it (--realtime): frame k
/// is due k / fps seconds after the first read. A read waits for the next frame's time; a reader
/// that comes late gets the newest frame due and the older ones are skipped (a camera overwrites
/// them), so the loop always works on the present and latency measures what a live user sees.
/// </summary>
public sealed class RealtimeSource : IFrameSource
{
    private readonly VideoFileSource _file;
    private readonly long _ticksPerFrame;
    private long _start;
    private long _next;
    private long _skipped;
    private readonly long _stopBefore;

    /// <param name="file">The video (owned).</param>
    /// <param name="stopBefore">--max-frames: frame numbers from this one on are neither skipped nor read (the input ends
    /// there), so a late read near the limit counts no frame beyond it as dropped; 0 = no limit.</param>
    public RealtimeSource(VideoFileSource file, long stopBefore = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stopBefore);
        _stopBefore = stopBefore;
        _file = file ?? throw new ArgumentNullException(nameof(file));
        _ticksPerFrame = (long)Math.Round(Stopwatch.Frequency / file.Fps);
    }

    public string Name => _file.Name;

    public bool IsLive => true;

    public double Fps => _file.Fps;

    /// <summary>When the frame last read was due.</summary>
    public long FrameTimestamp { get; private set; }

    public long Skipped => Interlocked.Read(ref _skipped);

    public string? Warning => _file.Warning;

    public bool Read(Mat frame, out double timeMs)
    {
        long now = Stopwatch.GetTimestamp();
        if (_start == 0)
        {
            _start = now;
        }

        // Frames whose successor is already due are gone, as on a camera.
        long newest = (now - _start) / _ticksPerFrame;
        if (_stopBefore > 0)
        {
            newest = Math.Min(newest, _stopBefore);
        }

        while (_next < newest)
        {
            if (!_file.Skip())
            {
                break; // the end (or a loop's wrap-around): Read below decides
            }

            _next++;
            Interlocked.Increment(ref _skipped);
        }

        if (_stopBefore > 0 && _next >= _stopBefore)
        {
            timeMs = 0;
            return false; // the frames up to the limit were read or skipped: the run ends there
        }

        long due = _start + _next * _ticksPerFrame;
        TimeSpan wait;
        while ((wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due)) > TimeSpan.Zero)
        {
            // Sleep may wake a little early: wait again for what is left, never hand a frame out before its time.
            Thread.Sleep(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.Zero);
        }

        if (!_file.Read(frame, out timeMs))
        {
            return false;
        }

        FrameTimestamp = due;
        _next++;
        return true;
    }

    public void Dispose() => _file.Dispose();
}
