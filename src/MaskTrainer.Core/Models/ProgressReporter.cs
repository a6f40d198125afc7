using System.Diagnostics;

namespace MaskTrainer.Models;

/// <summary>Rate-limits <see cref="DownloadProgress"/> reports to about ten a second so a progress bar is not flooded per 64 KB buffer.</summary>
internal sealed class ProgressReporter(IProgress<DownloadProgress>? progress, string fileName, long? total)
{
    private static readonly long Interval = Stopwatch.Frequency / 10;
    private long lastReport = long.MinValue;

    /// <summary>Reports <paramref name="done"/> bytes if enough time has passed, or always when <paramref name="force"/>.</summary>
    public void Report(long done, bool force = false)
    {
        if (progress is null)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (force || now - lastReport >= Interval)
        {
            lastReport = now;
            progress.Report(new DownloadProgress(fileName, done, total));
        }
    }
}
