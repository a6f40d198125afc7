using System.Diagnostics;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// Runs the training app (the masktrainer-train.dll beside the test binaries) as a child process,
/// for what <see cref="TrainCli"/> cannot show in-process: what the process leaves on disk from
/// its start (ONNX Runtime's environment is created once per process), its exit code after an
/// unhandled exception. The child gets this process's environment without the MaskTrainer and ORT
/// variables, plus the given environment (a null value removes a variable).
/// </summary>
internal static class TrainProcess
{
    public static (int Code, string Stdout, string Stderr) Run(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunIn(null, environment, args);

    /// <summary><see cref="Run"/> in the folder <paramref name="workingDirectory"/> (null: this process's), for what relative names resolve to.</summary>
    public static (int Code, string Stdout, string Stderr) RunIn(string? workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "masktrainer-train.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MASKTRAINER_", StringComparison.Ordinal) || k.StartsWith("ORT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"masktrainer-train {string.Join(' ', args)} did not finish in 3 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
