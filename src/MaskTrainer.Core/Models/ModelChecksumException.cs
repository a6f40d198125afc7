namespace MaskTrainer.Models;

/// <summary>
/// Thrown when a file's SHA-256 differs from the catalog's. Downloaded or cached copies are deleted
/// before this is thrown, so a bad file is never used; files the store does not own (system files,
/// user files) are left alone.
/// </summary>
public sealed class ModelChecksumException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file's name.</param>
    /// <param name="origin">Where it came from (URL, tarball, path).</param>
    /// <param name="expectedSha256">Hash from the catalog.</param>
    /// <param name="actualSha256">Hash of the bytes received.</param>
    /// <param name="deleted">Whether the bad copy was deleted.</param>
    public ModelChecksumException(string fileName, string origin, string expectedSha256, string actualSha256, bool deleted)
        : base($"{fileName} from {origin}: SHA-256 {Sha256Text.Short(actualSha256)} does not match the catalog's "
            + $"{Sha256Text.Short(expectedSha256)}; " + (deleted ? "the download was deleted" : "the file was not used"))
    {
        FileName = fileName;
        Origin = origin;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
        Deleted = deleted;
    }

    /// <summary>The file's name.</summary>
    public string FileName { get; }

    /// <summary>Where the bad bytes came from.</summary>
    public string Origin { get; }

    /// <summary>Hash from the catalog.</summary>
    public string ExpectedSha256 { get; }

    /// <summary>Hash of the bytes received.</summary>
    public string ActualSha256 { get; }

    /// <summary>Whether the bad copy was deleted.</summary>
    public bool Deleted { get; }
}
