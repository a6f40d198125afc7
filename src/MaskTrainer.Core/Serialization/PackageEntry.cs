namespace MaskTrainer.Serialization;

/// <summary>One zip entry as the manifest vouches for it: path inside the zip, lowercase hex SHA-256, size.</summary>
public sealed record PackageEntry(string Path, string Sha256, long Size);
