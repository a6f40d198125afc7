using System.Diagnostics;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// The detector app as a real child process, for what only a process shows: signals, a closed
/// stdout, a display that goes away. Models come from ../shared, downloads are off.
/// </summary>
internal static class DetectProcess
{
    /// <summary>Starts masktrainer-detect with <paramref name="args"/>, stdout and stderr redirected.</summary>
    /// <param name="args">The app's command line.</param>
    /// <param name="wrapper">A program that runs the app, e.g. "nohup".</param>
    /// <param name="configure">Changes to the start info, e.g. the environment.</param>
    public static Process Start(IEnumerable<string> args, string? wrapper = null, Action<ProcessStartInfo>? configure = null)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "masktrainer-detect.dll");
        var info = wrapper is null ? new ProcessStartInfo("dotnet", [app, .. args]) : new ProcessStartInfo(wrapper, ["dotnet", app, .. args]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.Environment["MASKTRAINER_MODELS"] = SharedData.Models;
        info.Environment["MASKTRAINER_OFFLINE"] = "1";
        configure?.Invoke(info);
        return Process.Start(info)!;
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. <see cref="Posix.SigHup"/>) to <paramref name="app"/> with kill(2).</summary>
    /// <param name="times">
    /// How often, one kill after the other: 2 is what timeout(1) does, which signals the process and
    /// then its process group. Sent from this process (starting kill(1) twice could take longer than
    /// the app's repeat window on a loaded machine), a millisecond apart: the kernel merges a signal
    /// sent while the same one is still pending, and the second is meant to arrive as one of its own.
    /// </param>
    public static void Signal(Process app, int signal, int times = 1)
    {
        for (int i = 0; i < times; i++)
        {
            if (i > 0)
            {
                Thread.Sleep(1);
            }

            Posix.Kill(app.Id, signal).Should().Be(0, $"kill({app.Id}, {signal}) succeeds");
        }
    }
}
