using System.Runtime.InteropServices;
using System.Text;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// Files whose names are not valid UTF-8 (Latin-1 from an old camera or a zip archive), which .NET
/// cannot make itself: every .NET path is encoded as UTF-8. Made with rename(2) on raw bytes; Linux only.
/// </summary>
internal static partial class RawFileName
{
    /// <summary>Copies <paramref name="source"/> into <paramref name="folder"/> under <paramref name="latin1Name"/> encoded as Latin-1 and returns the path as .NET lists it (U+FFFD for each bad byte).</summary>
    public static string CopyAsLatin1(string source, string folder, string latin1Name)
    {
        var staging = Path.Combine(folder, "staging-" + Guid.NewGuid().ToString("N"));
        File.Copy(source, staging);
        byte[] from = [.. Encoding.UTF8.GetBytes(staging), 0];
        byte[] to = [.. Encoding.UTF8.GetBytes(folder + "/"), .. Encoding.Latin1.GetBytes(latin1Name), 0];
        if (rename(from, to) != 0)
        {
            throw new IOException($"rename to a Latin-1 name failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return Directory.GetFiles(folder).Single(f => f.Contains('\uFFFD', StringComparison.Ordinal));
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int rename(byte[] oldpath, byte[] newpath);
}
