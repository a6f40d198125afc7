namespace MaskTrainer.Models;

/// <summary>Where one file's fetch is, so a display knows when to open, relabel and close its line.</summary>
public enum DownloadStage
{
    /// <summary>Bytes are arriving; <see cref="DownloadProgress.BytesDone"/> counts them.</summary>
    Transferring,

    /// <summary>All bytes are on disk and their SHA-256 is being checked.</summary>
    Verifying,

    /// <summary>The file is being extracted from its npm tarball (the tarball is already verified).</summary>
    Unpacking,

    /// <summary>The file is verified and in the cache; the last report for it.</summary>
    Done,

    /// <summary>The fetch failed (the error follows as an exception); the last report for it.</summary>
    Failed,

    /// <summary>Cancelled (Ctrl+C); <see cref="DownloadProgress.BytesDone"/> bytes are kept and the next run resumes from there.</summary>
    Interrupted,
}
