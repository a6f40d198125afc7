using MaskTrainer.Data;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MaskTrainer.Model;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content:
/// write "&lt;path&gt;.tmp-&lt;machine&gt;-&lt;pid&gt;-&lt;random&gt;" in the same folder (same file system, so the rename is
/// atomic), flush it to disk, then rename it over the target. On any failure the temp file is
/// deleted and the previous file is left untouched; so it is when the process is ended during the
/// write by <see cref="Environment.Exit"/> (a second Ctrl+C), which runs no catch or finally of
/// the writing thread but does raise <see cref="AppDomain.ProcessExit"/>. A hard kill runs nothing:
/// its temp files are left, and deleted by a later process that writes there (<see cref="DeleteStale(string)"/>).
/// A path that names a link is written through it (<see cref="FilePaths.WriteTarget"/>).
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
        var fullPath = FilePaths.WriteTarget(path); // through a link, not over it
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

    /// <summary>What follows the target's name in a temp file's name.</summary>
    internal const string TempMarker = ".tmp-";

    /// <summary>
    /// "&lt;path&gt;.tmp-&lt;machine&gt;-&lt;process id&gt;-&lt;12 hex digits&gt;": unique, and if a hard kill
    /// (kill -9, the OOM killer, a power cut) leaves one behind, the name says which process wrote it,
    /// so <see cref="DeleteStale(string)"/> can tell a dead writer's file from a live one's.
    /// </summary>
    public static string TempPathFor(string fullPath) =>
        string.Create(CultureInfo.InvariantCulture, $"{fullPath}{TempMarker}{MachineTag}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    /// <summary>
    /// This machine in temp names: 8 hex digits of its name's SHA-256. A process id means something
    /// only on the machine (or container) that issued it; a workspace may be shared with others.
    /// </summary>
    internal static string MachineTag { get; } =
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName)))[..8];

    /// <summary>A temp file of another machine, or with no process id in its name (an earlier version's), is stale at this age: no write takes an hour.</summary>
    internal static readonly TimeSpan StaleAge = TimeSpan.FromHours(1);

    /// <summary>
    /// A temp file of this machine whose writer is not running is stale only once this old: the
    /// machine's name and a process id do not always name one process (containers sharing the
    /// host's name each number their own processes; /proc mounted with hidepid hides other users'
    /// live ones), and a prepared model may wait a minute for the output lock.
    /// </summary>
    internal static readonly TimeSpan DeadWriterAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Deletes the temp files a killed process left of <paramref name="path"/> (see <see cref="IsStale"/>);
    /// a run calls it for the outputs it has just written. Errors are ignored: it is tidying up.
    /// </summary>
    /// <returns>How many were deleted.</returns>
    public static int DeleteStale(string path) =>
        DeleteStaleIn(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path) + TempMarker);

    /// <summary>Deletes the stale temp files of every file in <paramref name="folder"/> (a cache folder many processes write).</summary>
    /// <returns>How many were deleted.</returns>
    public static int DeleteStaleIn(string folder) => DeleteStaleIn(folder, null);

    private static int DeleteStaleIn(string folder, string? prefix)
    {
        int deleted = 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*" + TempMarker + "*"))
            {
                var name = Path.GetFileName(file.AsSpan());
                if ((prefix is null || name.StartsWith(prefix, StringComparison.Ordinal)) && IsStale(file) && FilePaths.TryDelete(file))
                {
                    deleted++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder is gone or unreadable: nothing to tidy here.
        }

        return deleted;
    }

    /// <summary>
    /// Whether no running process will finish the temp file at <paramref name="tempPath"/>: one of this
    /// machine whose writer is no longer running and that was not written for <see cref="DeadWriterAge"/>;
    /// else (another machine's, or no process id in the name) one not written for <see cref="StaleAge"/>. A live process's temp file, this one's
    /// included, is never stale, whatever its age: a prepared model may wait for a lock.
    /// </summary>
    internal static bool IsStale(string tempPath)
    {
        var name = Path.GetFileName(tempPath);
        int marker = name.LastIndexOf(TempMarker, StringComparison.Ordinal);
        if (marker < 0)
        {
            return false;
        }

        var parts = name[(marker + TempMarker.Length)..].Split('-');
        int pid = 0;
        bool thisMachine = parts.Length == 3 && parts[0] == MachineTag && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out pid);
        if (thisMachine && IsRunning(pid))
        {
            return false;
        }

        try
        {
            return DateTime.UtcNow - File.GetLastWriteTimeUtc(tempPath) > (thisMachine ? DeadWriterAge : StaleAge);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return true;
        }
        catch (ArgumentException)
        {
            return false; // no process has that id
        }
        catch (InvalidOperationException)
        {
            return false; // it ended as we looked
        }
    }

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
