namespace MaskTrainer.Models;

/// <summary>Where the store looks for and keeps files: one place for every path rule.</summary>
internal sealed class StoreLayout(ModelStoreOptions options)
{
    /// <summary>Cache path of a model file: <c>&lt;cache&gt;/&lt;name&gt;</c> (flat, so users can place files by hand).</summary>
    public string CachePath(string fileName) => Path.Combine(options.CacheDirectory, fileName);

    /// <summary>Cache path of an npm tarball: <c>&lt;cache&gt;/tarballs/&lt;name&gt;-&lt;version&gt;.tgz</c>.</summary>
    public string TarballPath(NpmTarballSource npm) => Path.Combine(options.CacheDirectory, "tarballs", npm.TarballFileName);

    /// <summary>Name of the cache's folder of graphs made from the models (converted, cut, quantized).</summary>
    public const string GraphsFolderName = "graphs";

    /// <summary>The cache's folder of graphs made from the models: <c>&lt;cache&gt;/graphs</c>.</summary>
    public string GraphsDirectory => Path.Combine(options.CacheDirectory, GraphsFolderName);

    /// <summary>Lock file guarding the creation of one cache entry.</summary>
    public string LockPath(string name) => Path.Combine(options.CacheDirectory, ".locks", name + ".lock");

    /// <summary>Copies the store does not own, in lookup order: a local source's paths, then the models folders.</summary>
    public IEnumerable<string> ForeignPaths(ModelFileSpec file)
    {
        var local = file.Source is LocalFileSource source ? source.Paths : [];
        return local.Concat(options.ModelsDirectories.Select(d => Path.Combine(d, file.Name)));
    }

    /// <summary>Tarball copies in the models folders.</summary>
    public IEnumerable<string> ForeignTarballPaths(NpmTarballSource npm) =>
        options.ModelsDirectories.Select(d => Path.Combine(d, npm.TarballFileName));
}
