using System.Text.RegularExpressions;
using MaskTrainer.Detect.Inference;
using MaskTrainer.Detect.Output;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Detect.Rendering;
using MaskTrainer.Detect.Sources;
using MaskTrainer.Detect.Stats;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Tests.Imaging;
using MaskTrainer.Tests.Pipeline;
using OpenCvSharp;

namespace MaskTrainer.Tests.Detect;

/// <summary>The frame loop on live input (--realtime): late frames are dropped, not queued.</summary>
[Collection(PipelineCollection.Name)]
public sealed partial class LiveInputTests(TrainedModelFixture fixture)
{
    [SharedFact("data/mask-sample", "models", "data/videos/Gituatu_nomask.mp4")]
    public void A_realtime_file_plays_at_its_rate_and_drops_late_frames_instead_of_queueing_them()
    {
        using var temp = new TempFolder();
        var clip = Clip(temp.File("clip.avi"), 40);

        var (_, file) = Run(new VideoFileSource(clip));
        var (json, live) = Run(new RealtimeSource(new VideoFileSource(clip)));

        (live.Frames + live.Dropped).Should().Be(40, "every frame is either shown or counted as dropped");
        live.Seconds.Should().BeGreaterThan(39 * 0.04 * 0.95, "frames come at 25 per second, not as fast as they decode");
        var times = TimeMs().Matches(json).Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        times.Should().HaveCount((int)live.Frames).And.BeInAscendingOrder().And.OnlyContain(t => Math.Abs(t / 40 - Math.Round(t / 40)) < 1e-6,
            "each frame keeps its place in the file, so gaps show the dropped ones");
        live.P50LatencyMs.Should().BeLessThan(file.P50LatencyMs,
            "a file read as fast as possible keeps 5 frames in flight; live frames wait behind none");
    }

    [SharedFact("data/mask-sample", "models", "data/videos/Gituatu_nomask.mp4")]
    public void Frames_dropped_live_keep_their_numbers_and_the_written_video_keeps_real_time()
    {
        using var temp = new TempFolder();
        var clip = Clip(temp.File("clip.avi"), 30);
        var output = temp.File("live.avi");
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var detector = new CatalogFaceDetector(FaceDetectors.Create(UltraFaceDetector.ModelId, fixture.Store!), null);
        using var classifier = new ModelFaceClassifier(model);
        var json = new StringWriter { NewLine = "\n" };
        using var writer = new JsonFrameWriter(json, model.Labels);
        RunSummary summary;
        // A sink slower than the frame rate (70 ms against 40), so the loop falls behind and frames are dropped.
        using (var sink = new SlowSink(new DetectorSink(new OverlayRenderer(model.Labels), writer, new VideoFileOutput(output, 25)), TimeSpan.FromMilliseconds(70)))
        using (var source = new RealtimeSource(new VideoFileSource(clip)))
        {
            summary = new DetectionPipeline(source, detector, classifier, sink, new PipelineOptions { MaskLabelIndex = 0 }).Run();
        }

        summary.Dropped.Should().BeGreaterThan(5);
        var lines = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        long first = -1, last = -1;
        foreach (var line in lines)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            long frame = doc.RootElement.GetProperty("frame").GetInt64();
            frame.Should().Be((long)Math.Round(doc.RootElement.GetProperty("timeMs").GetDouble() / 40), "a frame's number is its place in the file");
            first = first < 0 ? frame : first;
            last = frame;
        }

        // Frames dropped before the first one shown (a loaded machine's slow start) stand for
        // nothing: the recording starts with the first frame shown, as a camera's does.
        using var capture = VideoIo.OpenFile(output);
        capture.FrameCount.Should().Be((int)(last - first) + 1, "each frame shown stands for the dropped ones after it, as on screen");
    }

    /// <summary>The app's sink, made slow: a machine that cannot keep up.</summary>
    private sealed class SlowSink(IFrameSink inner, TimeSpan delay) : IFrameSink
    {
        public bool Write(FramePacket packet, double fps)
        {
            Thread.Sleep(delay);
            return inner.Write(packet, fps);
        }

        public bool Complete(bool userQuit, CancellationToken cancel) => inner.Complete(userQuit, cancel);

        public void Dispose() => inner.Dispose();
    }

    [GeneratedRegex("\"timeMs\":([0-9.]+)")]
    private static partial Regex TimeMs();

    private (string Json, RunSummary Summary) Run(IFrameSource source)
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var detector = new CatalogFaceDetector(FaceDetectors.Create(UltraFaceDetector.ModelId, fixture.Store!), null);
        using var classifier = new ModelFaceClassifier(model);
        var json = new StringWriter { NewLine = "\n" };
        using var writer = new JsonFrameWriter(json, model.Labels);
        using var sink = new DetectorSink(new OverlayRenderer(model.Labels), writer);
        using (source)
        {
            var summary = new DetectionPipeline(source, detector, classifier, sink, new PipelineOptions { MaskLabelIndex = 0 }).Run();
            return (json.ToString(), summary);
        }
    }

    /// <summary>The first <paramref name="frames"/> frames of the nomask video, as a 25 fps MJPG .avi.</summary>
    private static string Clip(string path, int frames)
    {
        using var capture = VideoIo.OpenFile(SharedData.Full("data/videos/Gituatu_nomask.mp4"));
        using var frame = new Mat();
        using var writer = VideoIo.CreateWriter(path, "MJPG", 25, new Size(1280, 720));
        for (int i = 0; i < frames && capture.Read(frame); i++)
        {
            writer.Write(frame);
        }

        return path;
    }
}
