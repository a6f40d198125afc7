namespace MaskTrainer.Models;

/// <summary>
/// Progress of one file, for a progress display: while <see cref="DownloadStage.Transferring"/>
/// reported at the start, about every 100 ms and at the end; then once per later stage, ending
/// with exactly one of <see cref="DownloadStage.Done"/>, <see cref="DownloadStage.Failed"/> or
/// <see cref="DownloadStage.Interrupted"/>.
/// </summary>
/// <param name="FileName">The file being fetched (for an npm download: the tarball's file name; while unpacking: the member's).</param>
/// <param name="BytesDone">Bytes on disk so far, including a resumed partial download (when interrupted: the bytes kept).</param>
/// <param name="TotalBytes">Total size when known.</param>
/// <param name="Stage">What is happening to the file.</param>
public sealed record DownloadProgress(string FileName, long BytesDone, long? TotalBytes, DownloadStage Stage = DownloadStage.Transferring)
{
    /// <summary>Fraction done in 0..1, when the total is known.</summary>
    public double? Fraction => TotalBytes is > 0 ? Math.Min(1.0, (double)BytesDone / TotalBytes.Value) : null;

    /// <summary>True for the last report of a file.</summary>
    public bool IsFinal => Stage is DownloadStage.Done or DownloadStage.Failed or DownloadStage.Interrupted;
}
