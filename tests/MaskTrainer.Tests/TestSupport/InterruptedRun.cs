using System.Diagnostics;
using System.Text;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// Runs the training app as a child process and sends it SIGINT, as Ctrl+C in a terminal does,
/// once a line of its stderr starts with a given text (the command is then at work): what a user
/// sees when they stop a command. Models come from ../shared/models, never the network.
/// </summary>
internal static class InterruptedRun
{
    /// <summary>Interrupts the app once a line of its stderr starts with <paramref name="interruptAt"/>.</summary>
    public static (int Code, string Stdout, string Stderr) Run(string interruptAt, params string[] args) => Run(watchStdout: false, interruptAt, args);

    /// <summary>Interrupts the app once it has printed its first line to stdout (e.g. predict's first result).</summary>
    public static (int Code, string Stdout, string Stderr) RunUntilOutput(params string[] args) => Run(watchStdout: true, "", args);

    private static (int Code, string Stdout, string Stderr) Run(bool watchStdout, string interruptAt, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (SigIntIgnoredHere())
        {
            // A shell without job control starts background jobs (`dotnet test ... &`) with SIGINT ignored, the
            // child inherits that, and .NET keeps an inherited SIG_IGN (as nohup relies on for SIGHUP): the app
            // would never see this Ctrl+C. coreutils' env gives the child the default disposition back.
            start.FileName = "env";
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }

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
                Posix.Kill(process.Id, Posix.SigInt).Should().Be(0);
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

    /// <summary>Whether this process ignores SIGINT (bit 2 of /proc/self/status's SigIgn mask, a hex number).</summary>
    private static bool SigIntIgnoredHere()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
            {
                return (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (Posix.SigInt - 1))) != 0;
            }
        }

        return false;
    }
}
