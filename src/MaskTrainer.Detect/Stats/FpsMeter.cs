using System.Diagnostics;

namespace MaskTrainer.Detect.Stats;

/// <summary>The frame rate over the last second or so (for the overlay), from the times frames were finished.</summary>
public sealed class FpsMeter
{
    private readonly long[] _times;
    private int _next;
    private int _count;

    /// <param name="window">How many recent frames the rate is averaged over (default 30).</param>
    public FpsMeter(int window = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        _times = new long[window];
    }

    /// <summary>Frames per second over the window; 0 until two frames were seen.</summary>
    public double Fps
    {
        get
        {
            if (_count < 2)
            {
                return 0;
            }

            var newest = _times[(_next - 1 + _times.Length) % _times.Length];
            var oldest = _times[(_next - _count + _times.Length) % _times.Length];
            var seconds = (newest - oldest) / (double)Stopwatch.Frequency;
            return seconds <= 0 ? 0 : (_count - 1) / seconds;
        }
    }

    /// <summary>Records a finished frame at <paramref name="timestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public void Tick(long timestamp)
    {
        _times[_next] = timestamp;
        _next = (_next + 1) % _times.Length;
        _count = Math.Min(_count + 1, _times.Length);
    }
}
