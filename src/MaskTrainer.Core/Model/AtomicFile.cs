using MaskTrainer.Data;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MaskTrainer.Model;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content:
/// write "&lt;path&gt;.tmp-&lt;random&gt;" in the same folder (same file system, so the rename is
/// atomic), flush it to disk, then rename it over the target. On any failure the temp file is
/// deleted and the previous file is left untouched; so it is when the process is ended during the
/// write by <see cref="Environment.Exit"/> (a second Ctrl+C), which runs no catch or finally of
/// the writing thread but does raise <see cref="AppDomain.ProcessExit"/>.
/// </summary>
internal static class AtomicFile
{
    private static readonly ConcurrentDictionary<string, byte> Unfinished = new();

    static AtomicFile() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteUnfinished();

    /// <param name="flushToDisk">Wait until the bytes are on disk before the rename (default): a
    /// model or metrics survive a power cut whole; an annotated image or a cache entry need not.</param>
    /// <param name="keepExisting">Keep a file that appeared at the path meanwhile instead of
    /// replacing it: for cache entries another process may make at the same time, identical to
    /// ours (replacing it could fail on Windows while that process has it open).</param>
    public static void Write(string path, Action<FileStream> write, bool flushToDisk = true, bool keepExisting = false)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        var tempPath = TempPathFor(fullPath);
        Unfinished[tempPath] = 0;
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }

            try
            {
                File.Move(tempPath, fullPath, overwrite: !keepExisting);
            }
            catch (IOException) when (keepExisting && File.Exists(fullPath))
            {
                FilePaths.TryDelete(tempPath);
            }
        }
        catch
        {
            FilePaths.TryDelete(tempPath);
            throw;
        }
        finally
        {
            Unfinished.TryRemove(tempPath, out _);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> as <see cref="Write(string, Action{FileStream}, bool, bool)"/> does.</summary>
    public static void Write(string path, byte[] bytes, bool flushToDisk = true, bool keepExisting = false) =>
        Write(path, stream => stream.Write(bytes), flushToDisk, keepExisting);

    /// <summary>"&lt;path&gt;.tmp-&lt;12 hex digits&gt;": unique, and recognisable as ours if a crash leaves one behind.</summary>
    public static string TempPathFor(string fullPath) =>
        fullPath + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>Deletes the temp files of writes still under way: the process is ending without them.</summary>
    internal static void DeleteUnfinished()
    {
        foreach (var tempPath in Unfinished.Keys)
        {
            FilePaths.TryDelete(tempPath);
        }
    }
}
