using System.Diagnostics;

namespace MaskTrainer.Tests.Scripts;

/// <summary>
/// train.sh, detect.sh and scripts/setup.sh, run by bash from a <see cref="ScriptCopy"/>: stand-ins
/// for dotnet and dpkg-query, so that what the scripts decide shows without building. Linux only.
/// </summary>
public sealed class ShellScriptTests : IDisposable
{
    private readonly ScriptCopy _copy = new("train.sh", "detect.sh", Path.Combine("scripts", "setup.sh"));

    public void Dispose() => _copy.Dispose();

    [Fact]
    public void A_script_started_through_a_link_finds_its_repository_and_runs_the_app_in_the_callers_folder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // `ln -s /repo/train.sh /usr/local/bin/mt-train`, and a relative link to that link: both resolved to the file.
        var links = _copy.Scratch("links");
        File.CreateSymbolicLink(Path.Combine(links, "mt-train"), Path.Combine(_copy.Root, "train.sh"));
        File.CreateSymbolicLink(Path.Combine(links, "mt-train-again"), "mt-train");
        File.CreateSymbolicLink(Path.Combine(links, "mt-detect"), Path.Combine(_copy.Root, "detect.sh"));

        var train = _copy.Run("bash", [Path.Combine(links, "mt-train-again"), "--help"]);
        var detect = _copy.Run("bash", [Path.Combine(links, "mt-detect"), "--help"]);

        train.Should().Be((0, $"app {_copy.Root}/src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll --help in {_copy.Caller}\n", ""));
        detect.Code.Should().Be(0, detect.Stderr);
        detect.Stdout.Should().Be($"app {_copy.Root}/src/MaskTrainer.Detect/bin/Release/publish/masktrainer-detect.dll --help in {_copy.Caller}\n");
    }
    [Fact]
    public void A_failed_apt_install_leaves_no_busy_note_behind()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // .busy named "apt install" after the script had died: a script waiting for the lock would say so.
        var stamps = Directory.CreateDirectory(Path.Combine(_copy.Root, ".build-stamps")).FullName;
        File.WriteAllText(Path.Combine(_copy.Bin, "dpkg-query"), "#!/bin/sh\nexit 1\n"); // nothing installed
        File.WriteAllText(Path.Combine(_copy.Bin, "apt-get"), "#!/bin/sh\necho 'E: h4-no-network' >&2\nexit 100\n");
        File.WriteAllText(Path.Combine(_copy.Bin, "sudo"), "#!/bin/sh\nexec \"$@\"\n");
        foreach (var tool in new[] { "apt-get", "sudo" })
        {
            File.SetUnixFileMode(Path.Combine(_copy.Bin, tool), (UnixFileMode)0b111_101_101);
        }

        var setup = Path.Combine(_copy.Root, "scripts", "setup.sh");
        var (code, _, stderr) = _copy.Run("bash", ["-c", $"source '{setup}' && mt_apt_install libgtk-3-0"]);

        code.Should().Be(1, stderr);
        stderr.Should().Contain("E: h4-no-network").And.EndWith("error: apt-get update failed\n");
        File.Exists(Path.Combine(stamps, ".busy")).Should().BeFalse("the apt install it named is not running");
    }

    [Fact]
    public void A_built_checkout_on_a_read_only_file_system_runs_without_the_build_lock()
    {
        // A read-only mount (root ignores modes): the lock file cannot be opened, nor anything built.
        using var mount = TmpfsMount.TryCreate(_copy.Root, "4m", readOnly: false);
        if (mount is null)
        {
            return;
        }

        _copy.Populate();
        Train().Code.Should().Be(0);
        Detect().Code.Should().Be(0);
        mount.Remount(readOnly: true).Should().BeTrue();

        Train().Should().Be((0, TrainApp, ""));
        Detect().Should().Be((0, DetectApp, ""));
    }

    [Fact]
    public void A_read_only_checkout_that_needs_a_build_says_so_in_one_line()
    {
        using var mount = TmpfsMount.TryCreate(_copy.Root, "4m", readOnly: false);
        if (mount is null)
        {
            return;
        }

        _copy.Populate();
        mount.Remount(readOnly: true).Should().BeTrue();

        Train().Should().Be((1, "", $"error: {_copy.Root} cannot be written (a read-only file system, or not yours) and MaskTrainer.Train.csproj needs a build: run the script once where the checkout can be written, or use a copy you can write\n"));
        Detect().Should().Be((1, "", $"error: {_copy.Root} cannot be written (a read-only file system, or not yours) and MaskTrainer.Detect.csproj needs to be published: run the script once where the checkout can be written, or use a copy you can write\n"));
    }

    [FlockFact]
    public async Task A_script_waits_silently_while_another_only_checks_the_stamps()
    {
        Train().Code.Should().Be(0); // built: the next run only checks the stamps
        var lockFile = Path.Combine(_copy.Root, ".build-stamps", ".lock");
        var marks = _copy.Scratch("marks");
        string ready = Path.Combine(marks, "holding"), release = Path.Combine(marks, "release");
        // Another script's stamp check, made long: it holds the lock and names no build in .busy.
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-x", lockFile, "sh", "-c", $"touch '{ready}'; while [ ! -e '{release}' ]; do sleep 0.05; done"]))!;
        await WaitFor(ready);

        using var second = _copy.Start("bash", [Path.Combine(_copy.Root, "train.sh"), "--help"]);
        var stdout = second.StandardOutput.ReadToEndAsync();
        var stderr = second.StandardError.ReadToEndAsync();
        second.WaitForExit(TimeSpan.FromSeconds(1)).Should().BeFalse("the lock is held");
        File.WriteAllText(release, "");

        second.WaitForExit(TimeSpan.FromSeconds(30)).Should().BeTrue("the lock was released");
        (second.ExitCode, await stdout, await stderr).Should().Be((0, TrainApp, ""), "no build was under way to wait for");
        await holder.WaitForExitAsync();
    }

    [FlockFact]
    public async Task A_script_started_during_a_build_says_it_waits_for_it_then_finds_it_done()
    {
        var marks = _copy.Scratch("marks");
        var hold = Path.Combine(marks, "build");
        using var first = _copy.Start("bash", [Path.Combine(_copy.Root, "train.sh"), "--help"], new Dictionary<string, string> { ["FAKE_BUILD_HOLD"] = hold });
        var firstOut = first.StandardOutput.ReadToEndAsync();
        var firstErr = first.StandardError.ReadToEndAsync();
        await WaitFor(hold + ".started");

        using var second = _copy.Start("bash", [Path.Combine(_copy.Root, "train.sh"), "--help"]);
        var secondOut = second.StandardOutput.ReadToEndAsync();
        var said = await second.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        File.WriteAllText(hold, "");

        ScriptCopy.WithoutColour(said!).Should().Be("[setup] another build of this repository is under way: waiting for it");
        first.WaitForExit(TimeSpan.FromSeconds(30)).Should().BeTrue();
        second.WaitForExit(TimeSpan.FromSeconds(30)).Should().BeTrue();
        (first.ExitCode, await firstOut, await firstErr).Should().Be((0, TrainApp, ""));
        (second.ExitCode, await secondOut, await second.StandardError.ReadToEndAsync()).Should().Be((0, TrainApp, ""), "the build was done by the first");
    }

    private static async Task WaitFor(string file)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(file))
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), $"{file} should have appeared");
            await Task.Delay(20);
        }
    }

    private (int Code, string Stdout, string Stderr) Train(params string[] args) => _copy.Run("bash", [Path.Combine(_copy.Root, "train.sh"), .. args.DefaultIfEmpty("--help")]);

    private (int Code, string Stdout, string Stderr) Detect(params string[] args) => _copy.Run("bash", [Path.Combine(_copy.Root, "detect.sh"), .. args.DefaultIfEmpty("--help")]);

    private string TrainApp => $"app {_copy.Root}/src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll --help in {_copy.Caller}\n";

    private string DetectApp => $"app {_copy.Root}/src/MaskTrainer.Detect/bin/Release/publish/masktrainer-detect.dll --help in {_copy.Caller}\n";
}
