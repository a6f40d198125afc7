using System.Runtime.InteropServices;

namespace MaskTrainer.Data;

/// <summary>Comparing paths as the file system does: through links, with its case rule.</summary>
public static partial class FilePaths
{
    /// <summary>How this platform's usual file systems compare names: case-sensitive on Linux only.</summary>
    public static StringComparison Comparison { get; } = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    // Links followed before a loop is assumed (Linux's own limit).
    private const int MaxLinks = 40;

    /// <summary>
    /// The full path of <paramref name="path"/> with every link along it resolved, the folders' as
    /// well as the file's (<c>link/a.mp4</c> with <c>link → clips</c> is <c>clips/a.mp4</c>); the parts
    /// that do not exist yet are kept as written. A link that cannot be resolved (broken, a loop) is kept as it is.
    /// </summary>
    public static string RealPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return RealPath(Path.GetFullPath(path), 0);
    }

    private static string RealPath(string full, int depth)
    {
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            if (part.Length == 0)
            {
                continue;
            }

            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is null || depth >= MaxLinks)
            {
                continue;
            }

            try
            {
                // The final target's own folders may be links too: resolve its path in turn.
                if (info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                {
                    current = RealPath(target.FullName, depth + 1);
                }
            }
            catch (IOException)
            {
                // A loop or an unreadable link: the path as written is the best we know.
            }
        }

        return current;
    }

    /// <summary>
    /// The file that writing <paramref name="path"/> should change: the path itself, or, when it
    /// names a link (<c>model.zip → runs/7/model.zip</c>), the file the link points to, as an editor
    /// saves through a link. A temp file renamed over the link itself would replace the link with a
    /// file and leave its target as it was. A broken link gives the missing target, which the write
    /// creates; a loop gives the path as written (the write then fails on it, naming it).
    /// </summary>
    public static string WriteTarget(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target.FullName : full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    /// <summary>
    /// The files under <paramref name="root"/> at any depth, as <see cref="Directory.EnumerateFiles(string, string, EnumerationOptions)"/>
    /// with <paramref name="options"/> lists them, except that a folder reached again through a link
    /// (a link to a parent, or two links to one folder) is walked once: a loop would otherwise run
    /// until the path is too long. Unsorted.
    /// </summary>
    public static List<string> FilesUnder(string root, EnumerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var flat = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = options.IgnoreInaccessible,
            AttributesToSkip = options.AttributesToSkip,
            MatchType = options.MatchType,
        };
        var files = new List<string>();
        var seen = new HashSet<string>(Comparison == StringComparison.Ordinal ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>();
        pending.Push(Path.GetFullPath(root));
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            if (!seen.Add(RealPath(dir)))
            {
                continue;
            }

            files.AddRange(Directory.EnumerateFiles(dir, "*", flat));
            if (options.RecurseSubdirectories)
            {
                foreach (var sub in Directory.EnumerateDirectories(dir, "*", flat))
                {
                    pending.Push(sub);
                }
            }
        }

        return files;
    }

    /// <summary>
    /// The file that stands where one of <paramref name="path"/>'s folders should be (`out.txt/model.zip`,
    /// `/dev/null/ws`), so that the path can never be created; null when none does. Only the folders
    /// that do not exist yet are looked at, from the nearest up to the first that exists.
    /// </summary>
    public static string? FileInTheWay(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(path)); dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir))
            {
                return dir;
            }
        }

        return null;
    }

    /// <summary>
    /// Why no file can be created in the existing <paramref name="folder"/> (as <see cref="WhyNotWritten"/>
    /// says it), or null when one can: a hidden file unique to this run is created there and removed
    /// with its handle. Looking at the folder's permissions would miss a read-only mount, /proc and ACLs.
    /// </summary>
    public static string? WhyNoFileIn(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var probe = Path.Combine(folder, $".masktrainer-probe-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            return WhyNotWritten(e, folder);
        }
    }

    /// <summary>
    /// Why a file could not be written in <paramref name="folder"/>, in words that name the folder,
    /// not the hidden temp file the write went to (.NET's own messages name that one).
    /// </summary>
    public static string WhyNotWritten(Exception e, string folder) => e switch
    {
        UnauthorizedAccessException => $"no permission to write in {folder}",
        DirectoryNotFoundException => $"folder {folder} does not exist",
        FileNotFoundException => $"no file can be created in {folder}",
        // .NET's text is "<reason> : '<path>'" (e.g. "No space left on device : '...'"): keep the reason.
        _ => $"cannot write in {folder} ({Reason(e.Message)})",
    };

    private static string Reason(string message)
    {
        int path = message.IndexOf(" : '", StringComparison.Ordinal);
        return (path > 0 ? message[..path] : message).TrimEnd('.');
    }

    /// <summary>
    /// <paramref name="folder"/> and the folders above it that do not exist, deepest first: what a
    /// write there will create, for <see cref="DeleteMadeFolders"/> to take back when it fails.
    /// </summary>
    public static List<string> MissingFolders(string folder)
    {
        var missing = new List<string>();
        for (var dir = folder; dir is not null && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir))
        {
            missing.Add(dir);
        }

        return missing;
    }

    /// <summary>
    /// Deletes the folders of <see cref="MissingFolders"/>, deepest first, so a failed write leaves
    /// none behind; one that is not empty (another process wrote there meanwhile) stays, with those above it.
    /// </summary>
    public static void DeleteMadeFolders(List<string> made)
    {
        ArgumentNullException.ThrowIfNull(made);
        foreach (var dir in made)
        {
            try
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                break;
            }
        }
    }

    /// <summary>Deletes <paramref name="path"/> if it can (true when it did, or there was nothing); an error here would hide the one worth reporting.</summary>
    public static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether two paths name the same file or folder: the same path once links are resolved
    /// (<see cref="RealPath(string)"/>, <see cref="Comparison"/>), or, when both exist, the same
    /// file on disk under two names (a hard link, a bind mount), which no path comparison can see.
    /// </summary>
    public static bool Same(string a, string b) => string.Equals(RealPath(a), RealPath(b), Comparison) || SameInode(a, b);

    /// <summary>True when both paths exist (links followed) and are one inode of one device; false where not checked (only Linux is).</summary>
    private static bool SameInode(string a, string b) =>
        Identity(a) is { } first && Identity(b) is { } second && first == second;

    /// <summary>The device and inode of <paramref name="path"/> (links followed) from statx(2); null when missing or not checked.</summary>
    private static (uint Major, uint Minor, ulong Inode)? Identity(string path)
    {
        if (!OperatingSystem.IsLinux() || _noStatx || string.IsNullOrEmpty(path))
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[StatxSize];
        try
        {
            if (statx(AtFdCwd, path, 0, StatxInode, ref MemoryMarshal.GetReference(buffer)) != 0
                || (BitConverter.ToUInt32(buffer) & StatxInode) == 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _noStatx = true;
            return null;
        }

        return (BitConverter.ToUInt32(buffer[StatxDevMajorOffset..]), BitConverter.ToUInt32(buffer[StatxDevMinorOffset..]),
            BitConverter.ToUInt64(buffer[StatxInodeOffset..]));
    }

    /// <summary>Whether <paramref name="path"/> lies inside <paramref name="folder"/> (at any depth), links resolved.</summary>
    public static bool IsInside(string path, string folder)
    {
        var inner = RealPath(path);
        var outer = Path.TrimEndingDirectorySeparator(RealPath(folder)) + Path.DirectorySeparatorChar;
        return inner.StartsWith(outer, Comparison);
    }

    /// <summary>
    /// Why <paramref name="path"/> (links followed) must not be opened as a file: "a named pipe
    /// (FIFO), not a regular file", or a socket or a device; null when it is a regular file, a
    /// folder or missing (the callers say those in their own words; but a listed name that is not
    /// UTF-8, which .NET cannot open, is <see cref="NotUtf8Name"/>), or where this is not checked
    /// (only Linux is). Opening a named pipe waits for a writer, forever, and a device such as
    /// /dev/zero never ends; yet .NET lists them as files, with FileAttributes.Normal, and every
    /// FileOptions opens them the same blocking way. So the type comes from statx(2), which
    /// reads the inode and opens nothing (a few microseconds, next to reading an image).
    /// </summary>
    public static string? WhyNotRegularFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux() || path.Length == 0)
        {
            return null;
        }

        if (_noStatx)
        {
            return null;
        }

        // struct statx is 256 bytes and laid out alike on every Linux architecture, unlike struct stat.
        Span<byte> buffer = stackalloc byte[StatxSize];
        try
        {
            if (statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                // .NET reads a file name that is not UTF-8 (Latin-1 from an old camera or a zip) with
                // U+FFFD in place of the bad bytes, and that name opens nothing: "not found" would puzzle.
                // (A missing file really named with U+FFFD is told the same: rare, and never listed.)
                // Otherwise missing, no permission, or a kernel without statx: the open that follows says which.
                return path.Contains('\uFFFD', StringComparison.Ordinal) ? NotUtf8Name : null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _noStatx = true; // a C library without statx (glibc before 2.28, older musl): not checked
            return null;
        }

        int mode = BitConverter.ToUInt16(buffer[StatxModeOffset..]) & FileTypeMask;
        return mode switch
        {
            0x1000 => "a named pipe (FIFO), not a regular file",
            0x2000 => "a character device, not a regular file",
            0x6000 => "a block device, not a regular file",
            0xC000 => "a socket, not a regular file",
            _ => null,
        };
    }

    private static bool _noStatx;

    /// <summary>Why a listed file whose name is not valid UTF-8 cannot be read.</summary>
    public const string NotUtf8Name = "its name is not valid UTF-8 (shown with \uFFFD), so it cannot be opened: rename it";

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1; // STATX_TYPE: only the file type is asked for
    private const int StatxSize = 256;
    private const int StatxModeOffset = 28; // __u16 stx_mode, after mask, blksize, attributes, nlink, uid, gid
    private const int FileTypeMask = 0xF000; // S_IFMT
    private const uint StatxInode = 0x100; // STATX_INO (the device numbers always come with it)
    private const int StatxInodeOffset = 32; // __u64 stx_ino, after stx_mode and a __u16 of padding
    private const int StatxDevMajorOffset = 136; // __u32 stx_dev_major, after the four timestamps and stx_rdev_*
    private const int StatxDevMinorOffset = 140;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string pathname, int flags, uint mask, ref byte statxbuf);
}
