namespace MaskTrainer.Models;

/// <summary>Outcome of re-hashing one file in <see cref="ModelStore.Verify"/>.</summary>
public enum VerifyStatus
{
    /// <summary>Present and its SHA-256 matches the catalog.</summary>
    Ok,

    /// <summary>Present but its SHA-256 differs (cache copies are deleted).</summary>
    Mismatch,

    /// <summary>Not present (not downloaded yet, or a system file not installed).</summary>
    Missing,
}
