namespace MaskTrainer.Models;

/// <summary>
/// A file that is already on this machine and is never downloaded: a system file (Debian's
/// opencv-data Haar cascades, catalog key <c>"system"</c>) or a user-supplied backbone. The first
/// existing path whose SHA-256 matches is used; the models folders and the cache are tried after.
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

    /// <inheritdoc/>
    public override string Describe() => string.Join(" or ", Paths);
}
