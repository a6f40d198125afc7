using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MaskTrainer.Signals;

/// <summary>
/// Ctrl+C (SIGINT), SIGTERM or SIGHUP (the terminal or SSH session closed), for both apps: the
/// first cancels <see cref="Token"/>, so the command stops at its next check and says what was
/// kept (a recording is finished and put in place); a second one ends the process at once.
/// A SIGHUP that was ignored when the process started (<c>nohup ./train.sh &amp;</c>) stays ignored
/// (.NET keeps an inherited SIG_IGN; checked with the detector under nohup): such a run is meant to
/// outlive its terminal.
/// Created first thing in Main: System.CommandLine registers its own handler only once a command's
/// action returns its task, which for the synchronous `train` is after the work (Ctrl+C killed it
/// silently), and for the detector left its first half second unguarded.
/// One signal can arrive twice: <c>timeout</c> sends it to the process and then to its process
/// group (the process is in both), as do supervisors that signal a group. Within
/// <see cref="RepeatWindow"/> of the first, the same stop is asked for again, not a quit at once.
/// </summary>
public sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private readonly PosixSignalRegistration hangUp;
    private readonly int quitExitCode;
    private readonly Action<int> quit;
    private long firstSignal; // Stopwatch timestamp of the first signal; 0 before it

    /// <summary>
    /// A signal this soon after the first counts as the first delivered twice. timeout(1)'s two
    /// kill calls arrive microseconds apart (the handlers may run on threads of their own, which
    /// a loaded machine may start some milliseconds apart); a person pressing Ctrl+C again
    /// after reading "press Ctrl+C again" takes longer than this.
    /// </summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMilliseconds(500);

    /// <param name="quitExitCode">The exit code of the second signal's immediate quit (130 in both apps, as a shell reports SIGINT).</param>
    /// <param name="quit">
    /// Ends the process at once with the exit code (default <see cref="Environment.Exit"/>). The
    /// detector passes <see cref="Imaging.GuiWindows.Exit(int)"/>: the C++ exit handlers destroy
    /// OpenCV's windows, which must happen on the thread that makes the window calls.
    /// </param>
    public InterruptSignal(int quitExitCode = 130, Action<int>? quit = null)
    {
        this.quitExitCode = quitExitCode;
        this.quit = quit ?? Environment.Exit;
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => cancel.Token;

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        hangUp.Dispose();
        cancel.Dispose();
    }

    /// <summary>
    /// The stop message, on Unix written to file descriptor 2 itself: Console's writers share one lock,
    /// so while a write to a stalled stdout pipe (<c>--json | slow reader</c>) holds it, Console.Error
    /// would wait too, and the first Ctrl+C would never reach the cancel below it.
    /// </summary>
    private static void SayStopping()
    {
        const string Message = "stopping (press Ctrl+C again to quit at once)...";
        if (OperatingSystem.IsWindows())
        {
            Console.Error.WriteLine(Message);
            return;
        }

        using var stderr = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(2, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        stderr.Write(System.Text.Encoding.UTF8.GetBytes(Message + Environment.NewLine));
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;

        // .NET may run each signal's handler on a thread of its own, so two can run at once: the
        // one that stores its time is the first.
        long now = Stopwatch.GetTimestamp();
        long first = Interlocked.CompareExchange(ref firstSignal, now, 0);
        if (first == 0)
        {
            try
            {
                SayStopping();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // After a hang-up the terminal may be gone, stderr full or closed (EBADF): stopping
                // matters, the message does not.
            }

            try
            {
                cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The signal came as the command ended (Dispose runs on another thread): nothing left to stop.
            }

            return;
        }

        if (Stopwatch.GetElapsedTime(first, now).Duration() < RepeatWindow)
        {
            return; // the first signal delivered again (timeout, a process-group kill): it is already stopping
        }

        // Environment.Exit (not the signal's default) runs exit handlers, e.g. the one that shows the
        // cursor again and AtomicFile's removal of unfinished temp files.
        quit(quitExitCode);
    }
}
