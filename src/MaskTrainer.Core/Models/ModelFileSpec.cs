namespace MaskTrainer.Models;

/// <summary>
/// One file of a model, pinned by SHA-256 and size. <see cref="Name"/> is the plain file name used
/// in the cache and looked up in models folders.
/// </summary>
public sealed record ModelFileSpec
{
    /// <summary>Creates a file spec; throws <see cref="ArgumentException"/> for a name with a path in it, a malformed hash or a negative size.</summary>
    public ModelFileSpec(string name, string sha256, long size, ModelSource source)
    {
        if (string.IsNullOrWhiteSpace(name) || name != System.IO.Path.GetFileName(name) || name is "." or ".."
            || name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || name.Contains('\\'))
        {
            throw new ArgumentException($"'{name}' is not a plain file name", nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(source);
        Name = name;
        Sha256 = Sha256Text.Normalize(sha256, nameof(sha256));
        Size = size;
        Source = source;
    }

    /// <summary>Plain file name (no directory).</summary>
    public string Name { get; }

    /// <summary>Expected SHA-256, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>Expected size in bytes.</summary>
    public long Size { get; }

    /// <summary>Where the file comes from.</summary>
    public ModelSource Source { get; }
}
