using System.Security.Cryptography;
using System.Text;
using MaskTrainer.Training;

namespace MaskTrainer.Serialization;

/// <summary>
/// Makes a model's backbone files available as local paths: extracted to a private temp folder,
/// extracted once into a content-addressed cache folder, or found by the caller's resolver.
/// </summary>
internal static class BackboneExtractor
{
    /// <summary>Written last into a cache folder; lists the files the folder is known to hold.</summary>
    private const string Sidecar = ".masktrainer-backbone.json";

    private const UnixFileMode PrivateFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static LoadedModelPackage Provide(
        ModelPackageReader reader,
        ModelManifest manifest,
        IReadOnlyList<NamedTensor> tensors,
        LoadOptions options)
    {
        var source = reader.SourcePath;
        var backbone = manifest.Backbone;
        if (backbone.Files.Count == 0)
        {
            return new LoadedModelPackage(source, manifest, tensors, new Dictionary<string, string>(), null, null);
        }

        if (!backbone.Embedded)
        {
            var resolved = Resolve(reader, backbone, options);
            return new LoadedModelPackage(source, manifest, tensors, resolved, null, null);
        }

        if (options.BackboneCacheDirectory is { } cacheRoot)
        {
            var folder = ProvideCached(reader, backbone, cacheRoot, options.VerifyCachedBackbone);
            return new LoadedModelPackage(source, manifest, tensors, PathsIn(folder, backbone.Files), folder, null);
        }

        var privateFolder = CreatePrivateFolder(options.TempDirectory ?? Path.GetTempPath(), "masktrainer-model-");
        try
        {
            ExtractAll(reader, backbone.Files, privateFolder);
            return new LoadedModelPackage(source, manifest, tensors, PathsIn(privateFolder, backbone.Files), privateFolder, privateFolder);
        }
        catch
        {
            TryDeleteFolder(privateFolder);
            throw;
        }
    }

    public static void TryDeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless, a crash on dispose is not.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Cache key: SHA-256 over the sorted (name, sha256, size) list, so the same bytes under the
    /// same names share one folder, whatever model zip they came from.
    /// </summary>
    internal static string CacheKey(IReadOnlyList<BackboneFile> files)
    {
        var text = new StringBuilder();
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append(file.Name).Append('\t').Append(file.Sha256).Append('\t').Append(file.Size).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static Dictionary<string, string> PathsIn(string folder, IReadOnlyList<BackboneFile> files)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            paths[file.Name] = Path.Combine(folder, file.Name);
        }

        return paths;
    }

    private static string ProvideCached(ModelPackageReader reader, BackboneInfo backbone, string cacheRoot, bool rehash)
    {
        Directory.CreateDirectory(cacheRoot);
        var key = CacheKey(backbone.Files);
        var folder = Path.Combine(Path.GetFullPath(cacheRoot), key);
        if (IsValidCache(folder, backbone.Files, rehash))
        {
            return folder;
        }

        // Extract next to the final folder and rename it into place, so a crash or a concurrent
        // loader never sees a half-written cache folder.
        var staging = CreatePrivateFolder(Path.GetDirectoryName(folder)!, key + ".tmp-");
        try
        {
            ExtractAll(reader, backbone.Files, staging);
            File.WriteAllBytes(Path.Combine(staging, Sidecar), ModelJson.SerializeToUtf8(backbone.Files));

            if (Directory.Exists(folder))
            {
                // Present but invalid (interrupted copy, edited files): move it aside, then replace.
                var stale = folder + ".stale-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
                TryMoveFolder(folder, stale);
                TryDeleteFolder(stale);
            }

            if (!TryMoveFolder(staging, folder) && !IsValidCache(folder, backbone.Files, rehash: true))
            {
                throw reader.Fail($"cannot place the backbone in cache folder {folder}");
            }

            return folder;
        }
        finally
        {
            TryDeleteFolder(staging);
        }
    }

    private static bool TryMoveFolder(string from, string to)
    {
        try
        {
            Directory.Move(from, to);
            return true;
        }
        catch (IOException)
        {
            // Typically another process won the race and the target now exists.
            return false;
        }
    }

    private static bool IsValidCache(string folder, IReadOnlyList<BackboneFile> files, bool rehash)
    {
        try
        {
            var sidecar = Path.Combine(folder, Sidecar);
            if (!File.Exists(sidecar))
            {
                return false;
            }

            var listed = System.Text.Json.JsonSerializer.Deserialize<List<BackboneFile>>(File.ReadAllBytes(sidecar), ModelJson.Options);
            if (listed is null || listed.Count != files.Count)
            {
                return false;
            }

            foreach (var file in files)
            {
                if (!listed.Contains(file))
                {
                    return false;
                }

                var info = new FileInfo(Path.Combine(folder, file.Name));
                if (!info.Exists || info.Length != file.Size)
                {
                    return false;
                }

                if (rehash && HashFile(info.FullName) != file.Sha256)
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static void ExtractAll(ModelPackageReader reader, IReadOnlyList<BackboneFile> files, string folder)
    {
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        foreach (var file in files)
        {
            // Names were validated as plain file names; this re-check is the last line of defence
            // against writing anywhere but inside our own folder.
            var target = Path.GetFullPath(Path.Combine(root, file.Name));
            if (!target.StartsWith(root, StringComparison.Ordinal) || Path.GetDirectoryName(target) + Path.DirectorySeparatorChar != root)
            {
                throw reader.Fail($"refused: backbone file '{file.Name}' would be extracted outside its folder");
            }

            var entryPath = EntryNames.BackbonePath(file.Name);
            using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            try
            {
                reader.CopyVerified(reader.Entry(entryPath), new PackageEntry(entryPath, file.Sha256, file.Size), output);
            }
            catch
            {
                output.Dispose();
                File.Delete(target);
                throw;
            }
        }
    }

    private static Dictionary<string, string> Resolve(ModelPackageReader reader, BackboneInfo backbone, LoadOptions options)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in backbone.Files)
        {
            var missing = $"backbone '{backbone.Id}' is not embedded and its file {file.Name} (SHA-256 {file.Sha256}) was not found";
            if (options.BackboneResolver is null)
            {
                throw reader.Fail(missing + "; pass a backbone resolver or save the model with the backbone embedded");
            }

            var local = options.BackboneResolver(file);
            if (local is null || !File.Exists(local))
            {
                throw reader.Fail(missing);
            }

            if (new FileInfo(local).Length != file.Size
                || (options.VerifyResolvedBackbone && HashFile(local) != file.Sha256))
            {
                throw reader.Fail($"backbone file {local} does not match {file.Name} (SHA-256 {file.Sha256})");
            }

            paths[file.Name] = local;
        }

        return paths;
    }

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string CreatePrivateFolder(string parent, string prefix)
    {
        Directory.CreateDirectory(parent);
        var folder = Path.Combine(Path.GetFullPath(parent), prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, PrivateFolderMode);
        }

        return folder;
    }
}
