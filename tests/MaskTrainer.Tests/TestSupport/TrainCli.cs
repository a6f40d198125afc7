namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// Runs the training app's <c>Main</c> in-process with stdout and stderr captured. Console
/// redirection is process-wide, so every caller shares one lock (tests of different classes
/// run in parallel). Models come from ../shared/models, never the network.
/// </summary>
internal static class TrainCli
{
    private static readonly Lock ConsoleGate = new();

    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        lock (ConsoleGate)
        {
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            Environment.SetEnvironmentVariable("MASKTRAINER_MODELS", SharedData.Models);
            Environment.SetEnvironmentVariable("MASKTRAINER_OFFLINE", "1");
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try
            {
                int code = MaskTrainer.Train.Program.Main(args).GetAwaiter().GetResult();
                return (code, stdout.ToString(), stderr.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
        }
    }
}
