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

    private (int Code, string Stdout, string Stderr) Train(params string[] args) => _copy.Run("bash", [Path.Combine(_copy.Root, "train.sh"), .. args.DefaultIfEmpty("--help")]);

    private (int Code, string Stdout, string Stderr) Detect(params string[] args) => _copy.Run("bash", [Path.Combine(_copy.Root, "detect.sh"), .. args.DefaultIfEmpty("--help")]);

    private string TrainApp => $"app {_copy.Root}/src/MaskTrainer.Train/bin/Release/net10.0/masktrainer-train.dll --help in {_copy.Caller}\n";

    private string DetectApp => $"app {_copy.Root}/src/MaskTrainer.Detect/bin/Release/publish/masktrainer-detect.dll --help in {_copy.Caller}\n";
}
