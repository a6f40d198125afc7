namespace MaskTrainer.Serialization;

/// <summary>One backbone file: plain file name (no folders), lowercase hex SHA-256, size in bytes.</summary>
public sealed record BackboneFile(string Name, string Sha256, long Size);
