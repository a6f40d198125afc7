using System.Diagnostics;

namespace MaskTrainer.Tests.Scripts;

/// <summary>
/// train.ps1 and detect.ps1 (the Windows commands) through PowerShell 7: they parse, and their
/// set-up takes the build lock that scripts/setup.sh takes. Nothing here builds: the tests read
/// scripts/setup.ps1 from a copy in a temporary folder.
/// </summary>
public sealed class PowerShellScriptTests
{
    [PwshFact]
    public void Every_script_parses()
    {
        var files = Directory.GetFiles(Pwsh.Repository, "*.ps1").Concat(Directory.GetFiles(Path.Combine(Pwsh.Repository, "scripts"), "*.ps1")).ToArray();
        files.Should().Contain(f => f.EndsWith("train.ps1", StringComparison.Ordinal)).And.Contain(f => f.EndsWith("detect.ps1", StringComparison.Ordinal));
        string list = string.Join(",", files.Select(f => $"'{f}'"));

        var (code, stdout, stderr) = Run(
            $"$bad = 0; foreach ($f in @({list})) {{ $e = $null; [void][System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$null, [ref]$e); " +
            "foreach ($x in $e) { \"${f}:$($x.Extent.StartLineNumber): $($x.Message)\"; $bad++ } }; exit $bad",
            TimeSpan.FromSeconds(60));

        (code, stdout + stderr).Should().Be((0, ""));
    }

    [PwshFact]
    public void A_second_build_waits_for_the_lock_setup_sh_takes_and_says_so_during_a_build()
    {
        // The set-up as a copy, so that its repository root (the copy's parent) is a temporary folder.
        var root = Directory.CreateTempSubdirectory("mt-ps1-lock-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "scripts"));
            File.Copy(Path.Combine(Pwsh.Repository, "scripts", "setup.ps1"), Path.Combine(root, "scripts", "setup.ps1"));
            var lockFile = Path.Combine(root, ".build-stamps", ".lock");
            Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
            // As `flock` holds it in setup.sh: .NET takes flock(2) for FileShare.None on Linux. A build
            // under way names itself in .busy (setup.sh's mt_busy).
            var held = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(Path.Combine(root, ".build-stamps", ".busy"), "build of this repository\n");
            using var process = Start($". '{Path.Combine(root, "scripts", "setup.ps1")}'; $l = Lock-MtBuild; 'locked'; $l.Dispose()");
            var stderr = process.StandardError.ReadLineAsync();
            try
            {
                stderr.Wait(TimeSpan.FromSeconds(60)).Should().BeTrue("pwsh says it waits");
                stderr.Result.Should().Be("[setup] another build of this repository is under way: waiting for it");
                process.WaitForExit(TimeSpan.FromSeconds(1)).Should().BeFalse("the lock is still held");
            }
            finally
            {
                held.Dispose();
            }

            process.WaitForExit(TimeSpan.FromSeconds(30)).Should().BeTrue("the lock was released");
            (process.ExitCode, process.StandardOutput.ReadToEnd().Trim()).Should().Be((0, "locked"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [PwshFact]
    public void A_script_waits_silently_while_another_only_checks_the_stamps()
    {
        using var copy = new ScriptCopy(Path.Combine("scripts", "setup.ps1"));
        var lockFile = Path.Combine(copy.Root, ".build-stamps", ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        // Held with no .busy: a stamp check, which is over in a moment and not worth a line.
        var held = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        using var process = Start($". '{Path.Combine(copy.Root, "scripts", "setup.ps1")}'; $l = Lock-MtBuild; 'locked'; $l.Dispose()");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            process.WaitForExit(TimeSpan.FromSeconds(3)).Should().BeFalse("the lock is held");
        }
        finally
        {
            held.Dispose();
        }

        process.WaitForExit(TimeSpan.FromSeconds(30)).Should().BeTrue("the lock was released");
        (process.ExitCode, stdout.Result.Trim(), stderr.Result).Should().Be((0, "locked", ""));
    }

    [PwshFact]
    public void A_read_only_checkout_runs_as_built_without_the_lock_and_says_in_one_line_when_it_needs_a_build()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the stand-in dotnet is a shell script
        }

        using var copy = new ScriptCopy("train.ps1", Path.Combine("scripts", "setup.ps1"));
        using var mount = TmpfsMount.TryCreate(copy.Root, "4m", readOnly: false);
        if (mount is null)
        {
            return;
        }

        copy.Populate();
        var train = new[] { "-NoProfile", "-NonInteractive", "-File", Path.Combine(copy.Root, "train.ps1"), "--help" };
        mount.Remount(readOnly: true).Should().BeTrue();
        var unbuilt = copy.Run(Pwsh.Path!, train);
        mount.Remount(readOnly: false).Should().BeTrue();
        copy.Run(Pwsh.Path!, train).Code.Should().Be(0);
        mount.Remount(readOnly: true).Should().BeTrue();
        var built = copy.Run(Pwsh.Path!, train);

        unbuilt.Should().Be((1, "", $"error: {copy.Root} cannot be written (a read-only file system, or not yours) and MaskTrainer.Train.csproj needs a build: run the script once where the checkout can be written, or use a copy you can write\n"));
        built.Should().Be((0, $"app {copy.Root}/src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll --help in {copy.Caller}\n", ""));
    }

    [PwshFact]
    public void A_script_started_through_a_link_finds_its_repository_and_runs_the_app_in_the_callers_folder()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the stand-in dotnet is a shell script
        }

        // As train.sh: a link to the script elsewhere (and a relative link to that link) must still find scripts/setup.ps1.
        using var copy = new ScriptCopy("train.ps1", "detect.ps1", Path.Combine("scripts", "setup.ps1"));
        var links = copy.Scratch("links");
        File.CreateSymbolicLink(Path.Combine(links, "mt-train.ps1"), Path.Combine(copy.Root, "train.ps1"));
        File.CreateSymbolicLink(Path.Combine(links, "again.ps1"), "mt-train.ps1");
        File.CreateSymbolicLink(Path.Combine(links, "mt-detect.ps1"), Path.Combine(copy.Root, "detect.ps1"));

        var train = copy.Run(Pwsh.Path!, ["-NoProfile", "-NonInteractive", "-File", Path.Combine(links, "again.ps1"), "--help"]);
        var detect = copy.Run(Pwsh.Path!, ["-NoProfile", "-NonInteractive", "-File", Path.Combine(links, "mt-detect.ps1"), "--help"]);

        train.Should().Be((0, $"app {copy.Root}/src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll --help in {copy.Caller}\n", ""));
        detect.Code.Should().Be(0, detect.Stderr);
        detect.Stdout.Should().Be($"app {copy.Root}/src/MaskTrainer.Detect/bin/Release/publish/masktrainer-detect.dll --help in {copy.Caller}\n");
    }

    private static Process Start(string command)
    {
        var info = new ProcessStartInfo(Pwsh.Path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-Command", command })
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    private static (int Code, string Stdout, string Stderr) Run(string command, TimeSpan timeout)
    {
        using var process = Start(command);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pwsh did not finish in {timeout.TotalSeconds} s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
