using System.Runtime.InteropServices;

namespace MaskTrainer.Reporting;

/// <summary>
/// Whether whatever reads our stdout went away (<c>detect --json | head -1</c>, <c>predict | head -1</c>),
/// for both apps (through <see cref="GuardedWriter.NobodyReads"/>). .NET ignores a write
/// to a pipe whose reader has exited (EPIPE; SIGPIPE is ignored by the runtime), so a camera run
/// piped into a program that stopped reading would go on for ever, and a batch would process
/// every image for nobody. On Linux and macOS, poll(2) on
/// the write end of such a pipe reports POLLERR: a syscall of about a microsecond, made only every
/// few frames. Elsewhere (or when stdout is no pipe) it says false.
/// </summary>
public static partial class StdoutReader
{
    private const short PollErr = 0x008;
    private const short PollHup = 0x010;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>True when stdout is a pipe and nothing reads it any more.</summary>
    public static bool Gone()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) || !Console.IsOutputRedirected)
        {
            return false;
        }

        var fd = new PollFd { Fd = 1, Events = 0 }; // POLLERR and POLLHUP are always reported
        try
        {
            return poll(ref fd, 1, 0) == 1 && (fd.Revents & (PollErr | PollHup)) != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(ref PollFd fds, nuint nfds, int timeout);
}
