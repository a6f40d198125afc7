using System.Text.Json;
using MaskTrainer.Detect;
using MaskTrainer.Detect.Output;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Detect.Rendering;
using MaskTrainer.Detect.Sources;
using MaskTrainer.Detect.Stats;
using MaskTrainer.Imaging;
using MaskTrainer.Tests.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Detect;

/// <summary>
/// The per-image latency of an --images run that a stop (SIGTERM, Ctrl+C) cuts short, with a
/// scripted detector that asks for the stop from inside an image (no models: fast and exact).
/// </summary>
public sealed class ImageBatchLatencyTests
{
    private static readonly string[] Labels = ["with_mask", "without_mask"];

    [Fact]
    public void A_stop_before_any_image_finished_reports_no_latency_rather_than_zero()
    {
        // It said "per image p50 0.0 ms, p95 0.0 ms" and "p50LatencyMs":0, as if the images took no time.
        var (summary, json) = Run(images: 3, stopInImage: 0);

        summary.Frames.Should().Be(0);
        (summary.P50LatencyMs, summary.P95LatencyMs).Should().Be(((double?)null, (double?)null));
        summary.ToString().Should().Contain("per image p50 -, p95 -");
        var s = json.RootElement.GetProperty("summary");
        s.GetProperty("p50LatencyMs").ValueKind.Should().Be(JsonValueKind.Null);
        s.GetProperty("p95LatencyMs").ValueKind.Should().Be(JsonValueKind.Null);
        s.GetProperty("stopReason").GetString().Should().Be("interrupted");
    }

    [Fact]
    public void A_stop_after_an_image_went_through_counts_that_image()
    {
        // The stop comes as the second image's line is written: that image was processed, and was
        // left out of the latency (with one image alone: "p50 0.0 ms").
        var (summary, json) = Run(images: 3, stopInImage: -1, slowMs: 40, stopAtLine: 2);

        (summary.Frames, summary.Reason).Should().Be((2, StopReason.Interrupted));
        summary.P50LatencyMs.Should().NotBeNull().And.BeGreaterThanOrEqualTo(40, "both images took the detector's 40 ms at least");
        summary.P95LatencyMs.Should().BeGreaterThanOrEqualTo(summary.P50LatencyMs!.Value);
        json.RootElement.GetProperty("summary").GetProperty("p50LatencyMs").GetDouble().Should().BeGreaterThanOrEqualTo(40);
    }

    [Fact]
    public void A_stop_after_the_only_image_went_through_reports_its_latency()
    {
        var (summary, _) = Run(images: 1, stopInImage: -1, slowMs: 40, stopAtLine: 1);

        (summary.Frames, summary.Reason).Should().Be((1, StopReason.Interrupted));
        summary.P50LatencyMs.Should().BeGreaterThanOrEqualTo(40);
        summary.ToString().Should().NotContain("p50 0.0 ms").And.NotContain("p50 -");
    }

    /// <summary>
    /// Runs a batch of <paramref name="images"/> black images. The stop is asked for by the detector
    /// while it looks at image <paramref name="stopInImage"/> (-1: never), or as JSON line
    /// <paramref name="stopAtLine"/> (from 1) is written, once its image went through.
    /// </summary>
    private static (RunSummary Summary, JsonDocument Json) Run(int images, int stopInImage, int slowMs = 0, int stopAtLine = 0)
    {
        using var temp = new TempFolder();
        var files = new List<string>();
        using (var black = new Mat(120, 160, MatType.CV_8UC3, Scalar.All(0)))
        {
            for (int i = 0; i < images; i++)
            {
                files.Add(temp.File($"h3-{i}.png"));
                ImageCodec.Write(files[^1], black);
            }
        }

        using var stop = new CancellationTokenSource();
        var text = new StoppingWriter(stopAtLine, stop) { NewLine = "\n" };
        RunSummary summary;
        using (var json = new JsonFrameWriter(text, Labels))
        {
            var detector = new StoppingDetector(stopInImage, slowMs, stop);
            summary = new ImageBatch(TextWriter.Null, detector, new NoClassifier(), new OverlayRenderer(Labels) { ShowFps = false }, json, new PipelineOptions())
                .Run(ImageList.Expand(files), null, TimeSpan.Zero, stop.Token);
            json.WriteSummary(summary);
        }

        return (summary, JsonDocument.Parse(text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]));
    }

    /// <summary>Finds no face, taking <c>slowMs</c> an image; cancels <c>stop</c> during image <c>stopIn</c> (a signal arriving then).</summary>
    private sealed class StoppingDetector(int stopIn, int slowMs, CancellationTokenSource stop) : IFrameFaceDetector
    {
        private int _calls;

        public string Name => "stopping";

        public void Detect(Mat frame, List<FaceBox> faces)
        {
            faces.Clear();
            Thread.Sleep(slowMs);
            if (_calls++ == stopIn)
            {
                stop.Cancel();
            }
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Collects the JSON lines; cancels <c>stop</c> as line <c>stopAt</c> is written (0: never).</summary>
    private sealed class StoppingWriter(int stopAt, CancellationTokenSource stop) : StringWriter
    {
        private int _lines;

        public override void Write(char[] buffer, int index, int count)
        {
            base.Write(buffer, index, count);
            if (count > 0 && buffer[index + count - 1] == '\n' && ++_lines == stopAt)
            {
                stop.Cancel();
            }
        }
    }

    private sealed class NoClassifier : IFaceClassifier
    {
        public IReadOnlyList<string> Labels => ImageBatchLatencyTests.Labels;

        public void Classify(Mat frame, ReadOnlySpan<Rect> faces, Span<float> probabilities) => probabilities.Fill(0.5f);

        public void Dispose()
        {
        }
    }
}
