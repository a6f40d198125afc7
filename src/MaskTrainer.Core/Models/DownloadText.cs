using System.Globalization;

namespace MaskTrainer.Models;

/// <summary>
/// The words of a download display, shared by <see cref="PlainDownloadLines"/> and the CLI's live bar
/// so a terminal and a log say the same. Sizes in decimal megabytes, as `models list` shows them.
/// </summary>
public static class DownloadText
{
    /// <summary>"41.1 MB".</summary>
    public static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");

    /// <summary>"12.3 MB/s" for <paramref name="bytes"/> in <paramref name="elapsed"/>.</summary>
    public static string Rate(long bytes, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6 / Math.Max(1e-3, elapsed.TotalSeconds):0.0} MB/s");

    /// <summary>"3.4 s".</summary>
    public static string Seconds(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");

    /// <summary>The first line of a transfer: what, how big, and whether an earlier partial download is resumed.</summary>
    public static string Start(DownloadProgress p)
    {
        string size = p.TotalBytes is long total ? Megabytes(total) : "size unknown";
        string resume = p.BytesDone > 0 ? $", resuming at {Megabytes(p.BytesDone)}" : "";
        return $"downloading {p.FileName} ({size}{resume})";
    }

    /// <summary>The last line of a file; <paramref name="transferred"/> is what this run received (not a resumed prefix).</summary>
    public static string Final(DownloadProgress p, DownloadStage lastStage, long transferred, TimeSpan elapsed) => (p.Stage, lastStage) switch
    {
        (DownloadStage.Done, DownloadStage.Unpacking) => $"unpacked {p.FileName} ({Megabytes(p.BytesDone)}) in {Seconds(elapsed)}",
        (DownloadStage.Done, _) => $"downloaded {p.FileName}: {Megabytes(p.BytesDone)} in {Seconds(elapsed)} ({Rate(transferred, elapsed)}), SHA-256 verified",
        (DownloadStage.Interrupted, DownloadStage.Unpacking) => $"unpacking {p.FileName} interrupted (the tarball is kept)",
        (DownloadStage.Interrupted, _) when p.BytesDone > 0 =>
            $"download of {p.FileName} interrupted: {Megabytes(p.BytesDone)}{Of(p.TotalBytes)} kept; the next run resumes from there",
        (DownloadStage.Interrupted, _) => $"download of {p.FileName} interrupted; nothing kept",
        (DownloadStage.Failed, DownloadStage.Unpacking) => $"unpacking {p.FileName} failed",
        _ when p.BytesDone > 0 => $"download of {p.FileName} failed: {Megabytes(p.BytesDone)}{Of(p.TotalBytes)} kept; the next run resumes from there",
        _ => $"download of {p.FileName} failed",
    };

    private static string Of(long? total) => total is long t ? $" of {Megabytes(t)}" : "";
}
