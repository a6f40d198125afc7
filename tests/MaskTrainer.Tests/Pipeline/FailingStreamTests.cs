using MaskTrainer.Detect.Cli;
using MaskTrainer.Imaging;

namespace MaskTrainer.Tests.Pipeline;

/// <summary>
/// The apps as processes whose stderr cannot be written (a full disk, a closed descriptor): the
/// log is lost, the work and its exit code are not. Both aborted (SIGABRT, 134) on the first line.
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
}
