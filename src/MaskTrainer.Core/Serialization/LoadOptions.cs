namespace MaskTrainer.Serialization;

/// <summary>How <see cref="ModelPackage.Load"/> finds, extracts and checks a model's backbone.</summary>
public sealed record LoadOptions
{
    /// <summary>
    /// When set, embedded backbones are extracted once into a content-addressed folder under this
    /// directory (one folder per distinct set of backbone files) and reused by later loads instead
    /// of being extracted to a private temp folder each time. Default null (private temp folder,
    /// deleted when the loaded package is disposed).
    /// </summary>
    public string? BackboneCacheDirectory { get; init; }

    /// <summary>Where private extraction folders are created. Default null: the system temp folder.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>
    /// For models whose backbone is not embedded: returns a local path holding the given file
    /// (matched by name/SHA-256), or null when it is not available. Default null: loading such a
    /// model fails with a message naming the missing file.
    /// </summary>
    public Func<BackboneFile, string?>? BackboneResolver { get; init; }

    /// <summary>Re-hash files returned by <see cref="BackboneResolver"/> before trusting them. Default true.</summary>
    public bool VerifyResolvedBackbone { get; init; } = true;

    /// <summary>
    /// Re-hash cached backbone files on every reuse. Default false: a cached folder is trusted when
    /// its sidecar lists the expected files and every file has the expected size (it was hash-checked
    /// when it was extracted).
    /// </summary>
    public bool VerifyCachedBackbone { get; init; }

    /// <summary>
    /// Largest single entry accepted, in bytes (guards against zip bombs and absurd manifests).
    /// Default 4 GiB.
    /// </summary>
    public long MaxEntryBytes { get; init; } = 4L << 30;
}
