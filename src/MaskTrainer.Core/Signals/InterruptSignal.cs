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
/// </summary>
public sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private readonly PosixSignalRegistration hangUp;
    private readonly int quitExitCode;
    private int signals;

    /// <param name="quitExitCode">The exit code of the second signal's immediate quit (130 in both apps, as a shell reports SIGINT).</param>
    public InterruptSignal(int quitExitCode = 130)
    {
        this.quitExitCode = quitExitCode;
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

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref signals) == 1)
        {
            try
            {
                Console.Error.WriteLine("stopping (press Ctrl+C again to quit at once)...");
            }
            catch (IOException)
            {
                // After a hang-up the terminal may be gone: stopping matters, the message does not.
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

        // Environment.Exit (not the signal's default) runs exit handlers, e.g. the one that shows the
        // cursor again and AtomicFile's removal of unfinished temp files.
        Environment.Exit(quitExitCode);
    }
}
