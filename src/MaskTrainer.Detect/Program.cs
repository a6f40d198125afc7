using MaskTrainer.Detect.Cli;
using MaskTrainer.Reporting;
using MaskTrainer.Signals;

namespace MaskTrainer.Detect;

/// <summary>masktrainer-detect: live face-mask detection. Run through ./detect.sh (see docs/detector.md).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // First: a stream that cannot be written (2>/dev/full, >&-) must not end the run, nor the
        // report of an error on it crash the process (StandardStreams; Conclude says it at the end).
        var (stdout, stderr) = StandardStreams.Install();
        // Then: a Ctrl+C while the app starts stops it with a message instead of killing it silently.
        // A second one quits from the window thread: the exit handlers close OpenCV's windows (GTK).
        using var interrupt = new InterruptSignal(ExitCodes.Interrupted, Imaging.GuiWindows.Exit);

        // Memory stays flat over long runs only with these (see NativeHeap); before any thread starts.
        NativeHeap.FixMmapThreshold();
        Imaging.OpenCvLog.SilentUnlessAsked();
        NativeHeap.LimitArenas();
        // The guards themselves: DetectApp asks stdout's whether its JSON lines still reach anyone.
        return StandardStreams.Conclude(await DetectCommand.InvokeAsync(args, stdout, stderr, interrupt.Token), ExitCodes.Error);
    }
}
