using System.Diagnostics;
using System.Globalization;

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

    /// <summary>Sends <paramref name="signal"/> (e.g. "HUP") to <paramref name="app"/> with kill(1).</summary>
    /// <param name="times">
    /// How often, one kill(1) after the other (milliseconds apart): 2 is what timeout(1) does, which
    /// signals the process and then its process group. (One kill(1) naming the pid twice may not do:
    /// the kernel merges a signal sent while the same one is still pending.)
    /// </param>
    public static async Task Signal(Process app, string signal, int times = 1)
    {
        for (int i = 0; i < times; i++)
        {
            using var kill = Process.Start("kill", [$"-{signal}", app.Id.ToString(CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
        }
    }
}
