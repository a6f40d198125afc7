using System.Diagnostics;

namespace MaskTrainer.Tests.TestSupport;

/// <summary>The id of a real process that has ended: what a temp file a killed run left carries in its name.</summary>
internal static class DeadProcess
{
    /// <summary>Runs `true` (`cmd /c exit` on Windows) to its end and gives its id; no process has it then (short of reuse).</summary>
    public static int Id()
    {
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe", ["/c", "exit"])
            : new ProcessStartInfo("true");
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.Id;
    }
}
