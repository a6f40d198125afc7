using System.Runtime.InteropServices;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>A second name for an existing file (link(2)): .NET has symbolic links only.</summary>
internal static partial class HardLink
{
    /// <summary>Makes <paramref name="path"/> another name of <paramref name="existing"/> and returns it.</summary>
    public static string Create(string path, string existing)
    {
        if (link(existing, path) != 0)
        {
            throw new IOException($"{path}: link to {existing} failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return path;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int link(string oldpath, string newpath);
}
