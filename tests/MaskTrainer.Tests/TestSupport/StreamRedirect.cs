using System.Diagnostics;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// Runs one of the apps (masktrainer-train or masktrainer-detect, beside the test binaries) as a
/// child process with some of its standard streams redirected by sh as a user's shell would
/// (<c>2&gt;/dev/full</c>, <c>2&gt;&amp;-</c>, <c>&gt;/dev/full</c>, <c>&gt;&amp;-</c>): what the app makes of a stream
/// it cannot write. The streams sh leaves alone are captured. Models come from ../shared, offline.
/// </summary>
internal static class StreamRedirect
{
    /// <param name="app">"masktrainer-train" or "masktrainer-detect".</param>
    /// <param name="redirect">sh's redirections, e.g. "2&gt;/dev/full".</param>
    /// <param name="args">The app's command line.</param>
    public static (int Code, string Stdout, string Stderr) Run(string app, string redirect, params string[] args)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", $"exec \"$@\" {redirect}", "sh", "dotnet", Path.Combine(AppContext.BaseDirectory, app + ".dll") }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["MASKTRAINER_MODELS"] = SharedData.Full("models");
        info.Environment["MASKTRAINER_OFFLINE"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{app} {string.Join(' ', args)} {redirect} did not finish in 3 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
