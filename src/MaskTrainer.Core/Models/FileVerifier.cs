using System.Collections.Concurrent;
using System.Globalization;

namespace MaskTrainer.Models;

/// <summary>
/// Decides whether a file on disk is the one the catalog means. Files the store owns (in the cache)
/// remember a verified hash in a sidecar <c>&lt;file&gt;.sha256</c> holding hash, size and mtime, so
/// a 28 MB model is hashed once, not on every run; a mismatching cache file is deleted. Files the
/// store does not own (models folders, system files) are never written next to or deleted; their
/// verified hashes are remembered in memory for the process.
/// </summary>
internal static class FileVerifier
{
    private static readonly ConcurrentDictionary<string, Stamp> Foreign = new(StringComparer.Ordinal);

    /// <summary>Sidecar path for a cache file.</summary>
    public static string SidecarPath(string path) => path + ".sha256";

    /// <summary>True when the cache file at <paramref name="path"/> exists and has the expected hash; a mismatching one is deleted.</summary>
    public static bool MatchesOwned(string path, string sha256, long? size)
    {
        var info = Resolve(path);
        if (!info.Exists)
        {
            return false;
        }

        if (ReadSidecar(path) == Stamp.Of(info, sha256))
        {
            return true;
        }

        if ((size is null || info.Length == size) && FileHasher.Sha256(path) == sha256)
        {
            WriteSidecar(path, sha256);
            return true;
        }

        Delete(path);
        return false;
    }

    /// <summary>
    /// True when the file at <paramref name="path"/> (not ours) exists and has the expected size and hash;
    /// otherwise <paramref name="mismatch"/> says what differed (null when the file does not exist).
    /// </summary>
    public static bool MatchesForeign(string path, string sha256, long? size, out string? mismatch)
    {
        mismatch = null;
        var info = Resolve(path);
        if (!info.Exists)
        {
            return false;
        }

        if (size is not null && info.Length != size)
        {
            mismatch = $"{info.Length} bytes, not {size}";
            return false;
        }

        string key = info.FullName;
        if (!Foreign.TryGetValue(key, out var known) || known != Stamp.Of(info, known.Sha256))
        {
            known = Stamp.Of(info, FileHasher.Sha256(key));
            Foreign[key] = known;
        }

        mismatch = known.Sha256 == sha256 ? null : $"SHA-256 {Sha256Text.Short(known.Sha256)}";
        return mismatch is null;
    }

    /// <summary>
    /// Records that the cache file at <paramref name="path"/> has hash <paramref name="sha256"/> as of now.
    /// Best effort: the sidecar only saves re-hashing, so failing to write it (read-only cache, a
    /// concurrent writer) is not an error.
    /// </summary>
    public static void WriteSidecar(string path, string sha256)
    {
        try
        {
            var stamp = Stamp.Of(Resolve(path), sha256);
            File.WriteAllText(SidecarPath(path), string.Create(CultureInfo.InvariantCulture, $"{stamp.Sha256} {stamp.Size} {stamp.MtimeTicks}\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes a cache file and its sidecar.</summary>
    public static void Delete(string path)
    {
        File.Delete(SidecarPath(path));
        File.Delete(path);
    }

    /// <summary>
    /// For a model file whose bytes turned out not to be the catalog's although the store handed it
    /// out (changed on disk after it was verified: its size and mtime still match the sidecar):
    /// deletes it when the store owns it (it has a sidecar), so the next run fetches it again, and
    /// returns the one-line error saying so. A copy in a models folder is the user's: only named.
    /// </summary>
    public static string DiscardDamaged(string path, string actual, ModelSpec model, ModelFileSpec file)
    {
        string what = $"{path}: SHA-256 is {actual}, model '{model.Id}' expects {file.Sha256} for {file.Name}";
        if (!File.Exists(SidecarPath(path)))
        {
            return $"{what}; replace it with the right file";
        }

        try
        {
            Delete(path);
            return $"{what}; the damaged copy was deleted from the model cache: run again to fetch it";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{what}; delete it (it could not be: {e.Message.TrimEnd('.')}) and run again";
        }
    }

    /// <summary>The file itself, or for a symbolic link (common in models folders) its final target, so sizes and mtimes are the data's.</summary>
    private static FileInfo Resolve(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target : info;
    }

    private static Stamp? ReadSidecar(string path)
    {
        try
        {
            var parts = File.ReadAllText(SidecarPath(path)).Split(' ', StringSplitOptions.TrimEntries);
            return parts.Length == 3
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
                ? new Stamp(size, ticks, parts[0])
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private readonly record struct Stamp(long Size, long MtimeTicks, string Sha256)
    {
        public static Stamp Of(FileInfo info, string sha256) => new(info.Length, info.LastWriteTimeUtc.Ticks, sha256);
    }
}
