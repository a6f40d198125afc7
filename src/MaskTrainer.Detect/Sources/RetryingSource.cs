using System.Diagnostics;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Sources;

/// <summary>
/// Wraps a live source: when a read fails it waits and tries again (reopening the device after
/// the first retries), and after <see cref="RetryPolicy.Retries"/> failures throws
/// <see cref="CameraStoppedException"/> so the app can close its outputs and exit with a message.
/// </summary>
public sealed class RetryingSource : IFrameSource
{
    private readonly Func<IFrameSource> _open;
    private readonly RetryPolicy _policy;
    private readonly CancellationToken _cancel;
    private IFrameSource? _inner;

    /// <param name="open">Opens the device; called once now and again for each reopen.</param>
    /// <param name="policy">Retry settings (null = <see cref="RetryPolicy.Default"/>).</param>
    /// <param name="cancel">Stops the waits between retries.</param>
    public RetryingSource(Func<IFrameSource> open, RetryPolicy? policy = null, CancellationToken cancel = default)
    {
        _open = open ?? throw new ArgumentNullException(nameof(open));
        _policy = policy ?? RetryPolicy.Default;
        _cancel = cancel;
        _inner = open();
        Name = _inner.Name;
        Fps = _inner.Fps;
    }

    public string Name { get; }

    public bool IsLive => true;

    public double Fps { get; }

    /// <summary>Failed reads so far (diagnostics and tests).</summary>
    public int FailedReads { get; private set; }

    /// <summary>Times the device was reopened.</summary>
    public int Reopens { get; private set; }

    public bool Read(Mat frame, out double timeMs)
    {
        if (_inner is not null && TryRead(_inner, frame, out timeMs))
        {
            return true;
        }

        var started = Stopwatch.GetTimestamp();
        Exception? last = null;
        for (int attempt = 1; attempt <= _policy.Retries; attempt++)
        {
            FailedReads++;
            if (_cancel.WaitHandle.WaitOne(_policy.Delay))
            {
                timeMs = 0;
                return false; // interrupted while waiting: end quietly, the caller knows why
            }

            try
            {
                if (attempt >= _policy.ReopenFrom || _inner is null)
                {
                    _inner?.Dispose();
                    _inner = null;
                    _inner = _open();
                    Reopens++;
                }

                if (TryRead(_inner, frame, out timeMs))
                {
                    return true;
                }
            }
            catch (ImagingException e)
            {
                last = e; // the device is gone for now (unplugged); keep trying
            }
        }

        var waited = Stopwatch.GetElapsedTime(started).TotalSeconds;
        throw new CameraStoppedException(
            $"{Name} stopped delivering frames (no frame after {_policy.Retries} retries over {waited:0.0} s){(last is null ? "" : ": " + last.Message)}", last);
    }

    public long FrameTimestamp => _inner?.FrameTimestamp ?? 0;

    public long Skipped => _inner?.Skipped ?? 0;

    public void Dispose() => _inner?.Dispose();

    private static bool TryRead(IFrameSource source, Mat frame, out double timeMs) =>
        source.Read(frame, out timeMs) && !frame.IsEmpty;
}
