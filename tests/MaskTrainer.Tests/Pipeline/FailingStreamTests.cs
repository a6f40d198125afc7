using MaskTrainer.Detect.Cli;
using MaskTrainer.Imaging;
using MaskTrainer.Reporting;

namespace MaskTrainer.Tests.Pipeline;

/// <summary>
/// The apps with a standard stream that cannot be written (a full disk, a closed descriptor). A
/// stderr loses the log, not the work or its exit code (both apps aborted, SIGABRT, 134, on its first
/// line). A stdout is said on stderr, naming it, and the exit code is 1; the work goes on where it
/// has a use (a training's model), and a run whose stdout is its product stops, keeping its files.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class FailingStreamTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("h3-streams-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SharedFact("data/mask-sample", "models")]
    public void Training_with_a_full_stderr_still_writes_its_model()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /dev/full
        }

        var model = Path.Combine(_folder, "m.zip");
        // The fixture's workspace holds these images' features: nothing is featurized again.
        var (code, stdout, _) = StreamRedirect.Run("masktrainer-train", "2>/dev/full",
            "--data", fixture.DataDirectory!, "-o", model, "--workspace", fixture.Options!.Workspace, "--seed", "7");

        code.Should().Be(0, stdout);
        File.Exists(model).Should().BeTrue();
        stdout.Should().Contain($"Model:   {model}");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predict_with_a_closed_stderr_prints_its_results_and_an_error_is_still_exit_1()
    {
        var images = Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).Take(2).ToArray();

        var ok = StreamRedirect.Run("masktrainer-train", "2>&-", ["predict", "--model", fixture.Run!.ModelPath, .. images]);
        var missing = StreamRedirect.Run("masktrainer-train", "2>&-", "predict", "--model", Path.Combine(_folder, "none.zip"), images[0]);

        ok.Code.Should().Be(0);
        ok.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2).And.OnlyContain(l => l.Contains("with_mask", StringComparison.Ordinal));
        missing.Code.Should().Be(1, "the error was not shown, but it happened");
    }

    [SharedFact("data/mask-sample", "models")]
    public void The_detector_with_a_full_stderr_records_its_video_and_prints_its_summary()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /dev/full
        }

        var video = Path.Combine(_folder, "annotated.avi");
        var (code, stdout, _) = StreamRedirect.Run("masktrainer-detect", "2>/dev/full",
            "--model", fixture.Run!.ModelPath, "--no-window", "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--max-frames", "10", "--output", video);
        var missing = StreamRedirect.Run("masktrainer-detect", "2>&-", "--model", Path.Combine(_folder, "none.zip"), "--no-window", "--image", video);

        code.Should().Be(ExitCodes.Ok);
        stdout.Should().StartWith("10 frames, ");
        using (var capture = VideoIo.OpenFile(video))
        {
            capture.FrameCount.Should().Be(10);
        }

        missing.Code.Should().Be(ExitCodes.Error);
    }

    [Fact]
    public void Help_on_a_closed_or_full_stdout_is_one_error_line_naming_stdout_and_exit_1()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /dev/full
        }

        // Every command said "error: Access to the path is denied." (closed) or "error: No space left on device" (full).
        var closed = StreamRedirect.Run("masktrainer-train", ">&-", "--help");
        var full = StreamRedirect.Run("masktrainer-detect", ">/dev/full", "--help");

        (closed.Code, closed.Stderr).Should().Be((1, "error: stdout: closed, or not open for writing: the output from then on is lost (the command itself succeeded)\n"));
        (full.Code, full.Stderr).Should().Be((ExitCodes.Error, "error: stdout: No space left on device: the output from then on is lost (the command itself succeeded)\n"));
    }

    [SharedFact("data/mask-sample", "models")]
    public void Training_with_a_full_stdout_saves_its_model_and_says_its_log_was_lost()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /dev/full
        }

        var model = Path.Combine(_folder, "m.zip");
        var (code, _, stderr) = StreamRedirect.Run("masktrainer-train", ">/dev/full",
            "--data", fixture.DataDirectory!, "-o", model, "--workspace", fixture.Options!.Workspace, "--seed", "7");

        code.Should().Be(1, stderr);
        File.Exists(model).Should().BeTrue("stdout is the training's log, not its product");
        stderr.Should().EndWith("error: stdout: No space left on device: the output from then on is lost (the command itself succeeded)\n");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task The_detector_stops_on_a_full_stdout_as_on_a_closed_reader_keeping_its_video()
    {
        // It stopped with "error: No space left on device", no summary, the recording discarded.
        var video = Path.Combine(_folder, "kept.avi");
        var full = new FullWriter(2000); // a few frames' JSON lines
        var stdout = new GuardedWriter("stdout", () => full);
        var stderr = new StringWriter();

        var code = await DetectCommand.InvokeAsync(
            ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--no-window",
             "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--loop", "--json", "--output", video],
            stdout, stderr);

        code.Should().Be(ExitCodes.Error, stderr.ToString());
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().MatchRegex("^[0-9]+ frames, ", "the summary, on stderr");
        lines[^1].Should().MatchRegex(@"^error: stdout: No space left on device; stopped after [0-9]+ frames \(outputs were closed\)$");
        stdout.ProblemReported.Should().BeTrue("said once");
        using var capture = VideoIo.OpenFile(video);
        capture.FrameCount.Should().BeGreaterThan(0, "the recording was closed and kept, as when the reader goes away");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task Predict_stops_when_nothing_reads_its_lines_any_more()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the closed-pipe check is poll(2)'s
        }

        // `predict --json … | head -1` read all 60 images for nobody and exited 0; the detector's --images stopped (141).
        var images = Directory.GetFiles(fixture.DataDirectory!, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "masktrainer-train.dll"), "predict", "--json", "--model", fixture.Run!.ModelPath }.Concat(images))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["MASKTRAINER_MODELS"] = SharedData.Full("models");
        info.Environment["MASKTRAINER_OFFLINE"] = "1";
        using var app = System.Diagnostics.Process.Start(info)!;
        var stderr = app.StandardError.ReadToEndAsync();

        var first = await app.StandardOutput.ReadLineAsync();
        app.StandardOutput.Close();
        bool ended = app.WaitForExit(TimeSpan.FromSeconds(60));
        if (!ended)
        {
            app.Kill(entireProcessTree: true);
        }

        first.Should().StartWith("{\"path\":");
        ended.Should().BeTrue("the next image finds nothing reading");
        app.ExitCode.Should().Be(141);
        var last = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        last.Should().MatchRegex("^stopped after [0-9]+ images?: nothing reads the results any more \\(stdout was closed\\)$");
        int stoppedAfter = int.Parse(last.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        stoppedAfter.Should().BeLessThan(images.Length);
    }
}
