using System.Runtime.InteropServices;

namespace MaskTrainer.Train.Output;

/// <summary>
/// Ctrl+C (SIGINT) or SIGTERM: the first cancels <see cref="Token"/>, so the command stops at its
/// next check and says what was kept; a second one ends the process at once. Registered before the
/// command starts because System.CommandLine registers its own handler only once a command's action
/// returns its task, which for the synchronous `train` is after the work: Ctrl+C killed it silently.
/// </summary>
internal sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private int signals;

    public InterruptSignal()
    {
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => cancel.Token;

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        cancel.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref signals) == 1)
        {
            Console.Error.WriteLine("stopping (press Ctrl+C again to quit at once)...");
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

        // Environment.Exit (not the signal's default) runs exit handlers, e.g. the one that shows the cursor again.
        Environment.Exit(Errors.Cancelled);
    }
}
