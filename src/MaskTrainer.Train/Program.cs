using System.CommandLine;
using System.CommandLine.Invocation;
using MaskTrainer.Train.Commands;
using MaskTrainer.Reporting;
using MaskTrainer.Signals;
using MaskTrainer.Train.Output;

namespace MaskTrainer.Train;

/// <summary>
/// masktrainer-train: `train` (the default) trains on an image folder; `evaluate`, `predict` and
/// `models` work with saved models and the model catalog. Run through ./train.sh.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // First: a stream that cannot be written (2>/dev/full, >&-) must not end the work, nor the
        // report of an error on it crash the process (StandardStreams; Conclude says it at the end).
        StandardStreams.Install();
        // Then: a Ctrl+C while the app starts stops it with a message instead of killing it silently.
        using var interrupt = new InterruptSignal(Errors.Cancelled);
        Imaging.OpenCvLog.SilentUnlessAsked();
        return StandardStreams.Conclude(await RunAsync(args, interrupt), Errors.Failure);
    }

    private static async Task<int> RunAsync(string[] args, InterruptSignal interrupt)
    {
        var root = CreateRootCommand();
        ParseResult? parse = null;
        try
        {
            // Our own handler turns known errors into one line (the default one prints stack traces).
            var invocation = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = Console.Out,
                Error = Console.Error,
                ProcessTerminationTimeout = null, // InterruptSignal handles Ctrl+C
            };
            parse = root.Parse(args);
            if (parse.Action is ParseErrorAction)
            {
                return UsageErrors.Report(parse, Console.Error);
            }

            return await parse.InvokeAsync(invocation, interrupt.Token);
        }
        catch (Exception e) when (Errors.IsUserFacing(e))
        {
            // The parse says which command was stopped: a cancellation leaves each its own state.
            return Errors.Report(e, parse);
        }
    }

    /// <summary>The app's commands (train is also the root's own action).</summary>
    internal static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("MaskTrainer: train a face-mask classifier by transfer learning.\n" +
                                   "With no command, trains on ./data (see README).");
        TrainCommand.Configure(root);
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(SynthMasksCommand.Create());
        return root;
    }
}
