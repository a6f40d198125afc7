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
        live.P50LatencyMs.Should().BeLessThan(file.P50LatencyMs!.Value,
            "a file read as fast as possible keeps 5 frames in flight; live frames wait behind none");
    }

    [SharedFact("data/mask-sample", "models", "data/videos/Gituatu_nomask.mp4")]
    public void Frames_dropped_live_keep_their_numbers_and_the_written_video_keeps_real_time()
    {
        using var temp = new TempFolder();
        var clip = Clip(temp.File("clip.avi"), 30);
        var output = temp.File("live.avi");
        // A sink slower than the frame rate (70 ms against 40), so the loop falls behind and frames are dropped.
        var (json, summary) = RunBehind(clip, output, TimeSpan.FromMilliseconds(70), stopBefore: 0);

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
        // nothing: the recording starts with the first frame shown, as a camera's does. Those
        // dropped after the last one shown are the last one's time: the recording ends with the input.
        (summary.Frames + summary.Dropped).Should().Be(30);
        using var capture = VideoIo.OpenFile(output);
        capture.FrameCount.Should().Be((int)(30 - first), "each frame shown stands for the dropped ones after it, as on screen, the last one too");
    }

    [SharedFact("data/mask-sample", "models", "data/videos/Gituatu_nomask.mp4")]
    public void A_realtime_run_stopped_by_max_frames_counts_and_records_exactly_the_frames_before_the_limit()
    {
        // A slow sink makes the reads late, so the source skips frames; near the limit a late read
        // skipped past it (frames >= N counted as dropped) and the frames dropped after the last one
        // shown were missing from the recording (70 shown + 30 dropped = 100, but 99 in the file).
        using var temp = new TempFolder();
        var clip = Clip(temp.File("h4-clip.avi"), 30);
        var output = temp.File("h4-live.avi");
        var (json, summary) = RunBehind(clip, output, TimeSpan.FromMilliseconds(90), stopBefore: 20);

        summary.Reason.Should().Be(StopReason.MaxFrames);
        summary.Dropped.Should().BeGreaterThan(3);
        (summary.Frames + summary.Dropped).Should().Be(20, "the frames before frame 20 are shown or dropped, none after it counts");
        var frames = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("frame").GetInt64()).ToList();
        frames.Should().OnlyContain(f => f < 20);
        using var capture = VideoIo.OpenFile(output);
        capture.FrameCount.Should().Be((int)(20 - frames[0]), "the last frame shown stands for the dropped ones after it, up to the limit");
    }

    [SharedFact("data/mask-sample", "models")]
    public void In_a_realtime_recording_a_frame_stands_for_the_dropped_ones_after_it_never_before()
    {
        // Frame i of the clip is grey level 10 i: each frame of the recording says which input frame it shows.
        using var temp = new TempFolder();
        var clip = DetectTestFrames.WriteNumberedVideo(temp.File("numbered.avi"), 25, width: 320, height: 240);
        var output = temp.File("numbered-live.avi");
        var (_, summary) = RunBehind(clip, output, TimeSpan.FromMilliseconds(90), stopBefore: 0);

        summary.Dropped.Should().BeGreaterThan(5);
        using var capture = VideoIo.OpenFile(output);
        using var frame = new Mat();
        var shown = new List<int>();
        while (capture.Read(frame) && !frame.Empty())
        {
            shown.Add((int)Math.Round(frame.At<Vec3b>(frame.Rows / 2, frame.Cols / 2).Item0 / 10.0));
        }

        // Position p of the recording is input frame first + p: it shows the newest frame shown by then.
        int first = shown[0];
        shown.Should().HaveCount(25 - first).And.BeInAscendingOrder();
        for (int p = 0; p < shown.Count; p++)
        {
            shown[p].Should().BeLessThanOrEqualTo(first + p, $"position {p} of the recording is input frame {first + p}: a frame is never written before it happened");
        }

        shown[^1].Should().BeLessThan(25);
    }

    [Fact]
    public void A_realtime_source_neither_skips_nor_reads_past_its_limit()
    {
        using var temp = new TempFolder();
        var clip = DetectTestFrames.WriteNumberedVideo(temp.File("h4-numbered.avi"), 12, fps: 100);
        using var source = new RealtimeSource(new VideoFileSource(clip), stopBefore: 5);
        using var frame = new Mat();
        source.Read(frame, out _).Should().BeTrue();
        Thread.Sleep(200); // 20 frames' time: every frame is due
        source.Read(frame, out _).Should().BeFalse("the newest frame due is past the limit");
        source.Skipped.Should().Be(4, "frames 1 to 4 were dropped; 5 and later lie past the stop");
    }

    /// <summary>
    /// <paramref name="clip"/> played live (--realtime, stopping before frame <paramref name="stopBefore"/>
    /// when above 0) into JSON lines and the video <paramref name="output"/>, through a sink slowed by
    /// <paramref name="delay"/> a frame, as the app wires them.
    /// </summary>
    private (StringWriter Json, RunSummary Summary) RunBehind(string clip, string output, TimeSpan delay, long stopBefore)
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var detector = new CatalogFaceDetector(FaceDetectors.Create(UltraFaceDetector.ModelId, fixture.Store!), null);
        using var classifier = new ModelFaceClassifier(model);
        var json = new StringWriter { NewLine = "\n" };
        using var writer = new JsonFrameWriter(json, model.Labels);
        using var sink = new SlowSink(new DetectorSink(new OverlayRenderer(model.Labels), writer, new VideoFileOutput(output, 25), repeatLastFrame: true), delay);
        using var source = new RealtimeSource(new VideoFileSource(clip), stopBefore);
        var summary = new DetectionPipeline(source, detector, classifier, sink, new PipelineOptions { MaskLabelIndex = 0, MaxFrames = stopBefore }).Run();
        return (json, summary);
    }

    /// <summary>The app's sink, made slow: a machine that cannot keep up.</summary>
    private sealed class SlowSink(IFrameSink inner, TimeSpan delay) : IFrameSink
    {
        public bool Write(FramePacket packet, double fps)
        {
            Thread.Sleep(delay);
            return inner.Write(packet, fps);
        }

        public bool Complete(bool userQuit, long inputEnd, CancellationToken cancel) => inner.Complete(userQuit, inputEnd, cancel);

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
