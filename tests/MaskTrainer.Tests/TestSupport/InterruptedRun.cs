using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// Runs the training app as a child process and sends it SIGINT, as Ctrl+C in a terminal does,
/// once a line of its stderr starts with a given text (the command is then at work): what a user
/// sees when they stop a command. Models come from ../shared/models, never the network.
/// </summary>
internal static partial class InterruptedRun
{
    private const int SigInt = 2;

    /// <summary>Interrupts the app once a line of its stderr starts with <paramref name="interruptAt"/>.</summary>
    public static (int Code, string Stdout, string Stderr) Run(string interruptAt, params string[] args) => Run(watchStdout: false, interruptAt, args);

    /// <summary>Interrupts the app once it has printed its first line to stdout (e.g. predict's first result).</summary>
    public static (int Code, string Stdout, string Stderr) RunUntilOutput(params string[] args) => Run(watchStdout: true, "", args);

    private static (int Code, string Stdout, string Stderr) Run(bool watchStdout, string interruptAt, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "masktrainer-train.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["MASKTRAINER_MODELS"] = SharedData.Models;
        start.Environment["MASKTRAINER_OFFLINE"] = "1";
        using var process = Process.Start(start)!;
        var (watched, other) = watchStdout ? (process.StandardOutput, process.StandardError) : (process.StandardError, process.StandardOutput);
        var rest = other.ReadToEndAsync();
        var seen = new StringBuilder();
        while (watched.ReadLine() is { } line)
        {
            seen.AppendLine(line);
            if (line.StartsWith(interruptAt, StringComparison.Ordinal))
            {
                kill(process.Id, SigInt).Should().Be(0);
                break;
            }
        }

        seen.Append(watched.ReadToEnd());
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"masktrainer-train {string.Join(' ', args)} did not stop within 2 minutes of SIGINT");
        }

        return watchStdout ? (process.ExitCode, seen.ToString(), rest.Result) : (process.ExitCode, rest.Result, seen.ToString());
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
