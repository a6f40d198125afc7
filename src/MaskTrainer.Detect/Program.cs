using MaskTrainer.Detect.Cli;

namespace MaskTrainer.Detect;

/// <summary>masktrainer-detect: live face-mask detection. Run through ./detect.sh (see docs/detector.md).</summary>
public static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Memory stays flat over long runs only with these (see NativeHeap); before any thread starts.
        NativeHeap.FixMmapThreshold();
        Imaging.OpenCvLog.ErrorsOnlyUnlessAsked();
        NativeHeap.LimitArenas();
        return DetectCommand.InvokeAsync(args, Console.Out, Console.Error, handleSignals: true);
    }
}
