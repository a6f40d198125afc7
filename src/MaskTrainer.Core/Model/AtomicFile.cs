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
        using var pending = Prepare(path, write, flushToDisk);
        pending.Commit(keepExisting);
    }

    /// <summary>
    /// The first half of <see cref="Write(string, Action{FileStream}, bool, bool)"/>: the temp file,
    /// written in full, not yet renamed over <paramref name="path"/>. <see cref="PendingFile.Commit"/>
    /// puts it in place; disposing it first deletes it. For files that go in place together (a
    /// model and its metrics): the slow part, writing, is done for all before the first rename.
    /// </summary>
    public static PendingFile Prepare(string path, Action<FileStream> write, bool flushToDisk = true)
    {
        ArgumentNullException.ThrowIfNull(write);
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

            return new PendingFile(fullPath, tempPath);
        }
        catch
        {
            FilePaths.TryDelete(tempPath);
            Unfinished.TryRemove(tempPath, out _);
            throw;
        }
    }

    /// <summary>Prepares <paramref name="bytes"/> as <see cref="Prepare(string, Action{FileStream}, bool)"/> does.</summary>
    public static PendingFile Prepare(string path, byte[] bytes, bool flushToDisk = true) =>
        Prepare(path, stream => stream.Write(bytes), flushToDisk);

    /// <summary>Writes <paramref name="bytes"/> as <see cref="Write(string, Action{FileStream}, bool, bool)"/> does.</summary>
    public static void Write(string path, byte[] bytes, bool flushToDisk = true, bool keepExisting = false) =>
        Write(path, stream => stream.Write(bytes), flushToDisk, keepExisting);

    /// <summary>"&lt;path&gt;.tmp-&lt;12 hex digits&gt;": unique, and recognisable as ours if a crash leaves one behind.</summary>
    public static string TempPathFor(string fullPath) =>
        fullPath + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>A file written to its temp file by <see cref="Prepare(string, Action{FileStream}, bool)"/>, waiting for its rename.</summary>
    internal sealed class PendingFile : IDisposable
    {
        private readonly string _tempPath;
        private bool _moved, _finished;

        internal PendingFile(string path, string tempPath)
        {
            Path = path;
            _tempPath = tempPath;
        }

        /// <summary>Where the file goes (full path).</summary>
        public string Path { get; }

        /// <summary>Renames the temp file over <see cref="Path"/>; on failure the temp file is deleted and the previous file left as it was.</summary>
        /// <param name="keepExisting">As for <see cref="Write(string, Action{FileStream}, bool, bool)"/>.</param>
        public void Commit(bool keepExisting = false)
        {
            ObjectDisposedException.ThrowIf(_finished, this);
            try
            {
                File.Move(_tempPath, Path, overwrite: !keepExisting);
                _moved = true;
            }
            catch (IOException) when (keepExisting && File.Exists(Path))
            {
                // Another process's copy is in place: ours is deleted below.
            }
            finally
            {
                Dispose();
            }
        }

        /// <summary>Deletes the temp file unless it was committed.</summary>
        public void Dispose()
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            if (!_moved)
            {
                FilePaths.TryDelete(_tempPath);
            }

            Unfinished.TryRemove(_tempPath, out _);
        }
    }

    /// <summary>Deletes the temp files of writes still under way: the process is ending without them.</summary>
    internal static void DeleteUnfinished()
    {
        foreach (var tempPath in Unfinished.Keys)
        {
            FilePaths.TryDelete(tempPath);
        }
    }
}
