namespace MaskTrainer.Models;

/// <summary>
/// A file that is already on this machine and is never downloaded: a system file (Debian's
/// opencv-data Haar cascades, catalog key <c>"system"</c>), a file shipped with MaskTrainer itself
/// (catalog key <c>"bundled"</c>: a path relative to the application folder, e.g. the ResNet18
/// files that the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 copies next to every
/// app) or a user-supplied backbone. The first existing path whose SHA-256 matches is used; the
/// models folders and the cache are tried after.
/// </summary>
public sealed record LocalFileSource : ModelSource
{
    /// <summary>Creates a source trying <paramref name="paths"/> in order; each must be absolute.</summary>
    public LocalFileSource(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var list = paths.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("a local source needs at least one path", nameof(paths));
        }

        foreach (var path in list)
        {
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            {
                throw new ArgumentException($"'{path}' is not an absolute path", nameof(paths));
            }
        }

        Paths = list;
    }

    /// <summary>Candidate locations, tried in order.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>For a bundled file, its path relative to the application folder (as the catalog gives it); null otherwise.</summary>
    public string? BundledPath { get; private init; }

    /// <summary>
    /// A file shipped with the application: <paramref name="relativePath"/> (forward slashes, no
    /// "..") under <paramref name="baseDirectory"/>, default <see cref="AppContext.BaseDirectory"/>.
    /// </summary>
    public static LocalFileSource Bundled(string relativePath, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var parts = relativePath.Split('/');
        if (relativePath.Length == 0 || Path.IsPathRooted(relativePath) || relativePath.Contains('\\')
            || Array.Exists(parts, p => p.Length == 0 || p is "." or ".." || p.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0))
        {
            throw new ArgumentException($"bundled path '{relativePath}' is not a relative path of plain names separated by '/'", nameof(relativePath));
        }

        var root = baseDirectory ?? AppContext.BaseDirectory;
        return new LocalFileSource([Path.GetFullPath(Path.Combine([root, .. parts]))]) { BundledPath = relativePath };
    }

    /// <inheritdoc/>
    public override string Describe() =>
        string.Join(" or ", Paths) + (BundledPath is null ? "" : " (bundled with MaskTrainer, copied next to the app at build time)");
}
