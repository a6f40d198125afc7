using System.Runtime.InteropServices;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>The libc calls the process tests make: one declaration each, shared.</summary>
internal static partial class Posix
{
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigTerm = 15;

    // Linux's fcntl command that sets a pipe's capacity (F_SETPIPE_SZ, linux/fcntl.h).
    private const int SetPipeSize = 1031;

    /// <summary>kill(2): sends <paramref name="sig"/> to <paramref name="pid"/>; 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int sig);

    /// <summary>Sets the capacity of the pipe <paramref name="fd"/> is an end of (rounded up to a page); the new capacity, or -1.</summary>
    public static int SetPipeCapacity(nint fd, int bytes) => fcntl((int)fd, SetPipeSize, bytes);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);
}
