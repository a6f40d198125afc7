namespace MaskTrainer.Models;

/// <summary>Progress of one transfer, for a progress bar. Reported at the start, about every 100 ms, and at the end.</summary>
/// <param name="FileName">The file being downloaded (for npm members: the tarball's file name).</param>
/// <param name="BytesDone">Bytes on disk so far, including a resumed partial download.</param>
/// <param name="TotalBytes">Total size when known.</param>
public sealed record DownloadProgress(string FileName, long BytesDone, long? TotalBytes)
{
    /// <summary>Fraction done in 0..1, when the total is known.</summary>
    public double? Fraction => TotalBytes is > 0 ? Math.Min(1.0, (double)BytesDone / TotalBytes.Value) : null;
}
