using MaskTrainer.Data;
using System.Security.Cryptography;

namespace MaskTrainer.Model;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content:
/// write "&lt;path&gt;.tmp-&lt;random&gt;" in the same folder (same file system, so the rename is
/// atomic), flush it to disk, then rename it over the target. On any failure the temp file is
/// deleted and the previous file is left untouched.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<FileStream> write)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        var tempPath = TempPathFor(fullPath);
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            FilePaths.TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>"&lt;path&gt;.tmp-&lt;12 hex digits&gt;": unique, and recognisable as ours if a crash leaves one behind.</summary>
    public static string TempPathFor(string fullPath) =>
        fullPath + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
