using MaskTrainer.Model;
using MaskTrainer.Detect.Inference;
using MaskTrainer.Detect.Output;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Detect.Rendering;
using MaskTrainer.Detect.Sources;
using MaskTrainer.Detect.Stats;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Tests.Imaging;
using MaskTrainer.Tests.Pipeline;

namespace MaskTrainer.Tests.Detect;

/// <summary>The staged frame loop with the real detector and the pipeline tests' small model.</summary>
[Collection(PipelineCollection.Name)]
public sealed class DetectionPipelineTests(TrainedModelFixture fixture)
{
    [SharedFact("data/mask-sample", "models")]
    public void Labels_depend_on_frame_order_only_not_on_timing_or_queue_sizes()
    {
        using var temp = new TempFolder();
        var clip = Clip(temp.File("clip.avi"), "data/videos/Gituatu_nomask.mp4", 16);

        var (a, summaryA) = RunToJson(new VideoFileSource(clip), new PipelineOptions { QueueCapacity = 1, Tracker = new() { ReclassifyEvery = 3 } });
        var (b, summaryB) = RunToJson(new VideoFileSource(clip), new PipelineOptions { QueueCapacity = 4, Tracker = new() { ReclassifyEvery = 3 } });

        b.Should().Be(a);
        var lines = a.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(16);
        lines.Select(l => l.Contains("\"classified\":true")).Should().Equal(
            [true, false, false, true, false, false, true, false, false, true, false, false, true, false, false, true],
            "the one face is tracked and classified every 3rd frame");
        summaryA.Frames.Should().Be(16);
        summaryA.Faces.Should().Be(16);
        summaryA.Classifications.Should().Be(6);
        summaryA.Reason.Should().Be(StopReason.EndOfInput);
        summaryA.P95LatencyMs.Should().BeGreaterThan(0).And.BeGreaterThanOrEqualTo(summaryA.P50LatencyMs!.Value);
    }

    [SharedFact("data/mask-sample", "models", "data/faces-dlib/images/2008_002506.jpg")]
    public void The_classify_step_reusing_its_scratch_gives_the_scores_predict_gives()
    {
        // The frame loop crops every face into one growing buffer and resizes it into one Mat;
        // faces of different sizes in a row must still reach the model as predict's freshly
        // allocated crops do, and the app's warm-up face (grey, 32 px) before them changes nothing.
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var frame = ImageCodec.Read(SharedData.Full("data/faces-dlib/images/2008_002506.jpg"));
        using var ultraface = FaceDetectors.Create("ultraface", fixture.Store!);
        var boxes = ultraface.Detect(frame).Select(f => f.Box).ToArray();
        boxes.Should().HaveCount(3);
        boxes = [.. boxes, boxes[0], new Rect(0, 0, 40, 60)]; // the first again, and one at the image corner
        int labels = model.Labels.Count;
        var scores = new float[boxes.Length * labels];

        using (var classifier = new ModelFaceClassifier(model))
        {
            classifier.WarmUp();
            classifier.Classify(frame, boxes, scores);
        }

        using var predictor = new MaskPredictor(model);
        for (int i = 0; i < boxes.Length; i++)
        {
            using var crop = FaceCropper.Crop(frame, boxes[i], model.FaceCrop.CropOptions);
            var expected = predictor.Predict(crop).Score.Take(labels);
            scores.AsSpan(i * labels, labels).ToArray().Should().Equal(expected, $"face {i} at {boxes[i].Describe()}");
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Faces_below_the_minimum_size_are_too_small_to_judge_and_a_face_that_grows_is_then_classified()
    {
        using var temp = new TempFolder();
        // Frames 0-2: the video frame shrunk to 80 % and centred on a grey canvas; frames 3-8: as recorded.
        // The face is one track throughout (its box moves little), and the minimum size lies between its two widths.
        using var capture = VideoIo.OpenFile(SharedData.Full("data/videos/Gituatu_nomask.mp4"));
        using var frame = new Mat();
        capture.Read(frame).Should().BeTrue();
        using var shrunk = new Mat(frame.Size(), frame.Type(), Scalar.All(128));
        using (var small = new Mat())
        {
            Cv2.Resize(frame, small, new Size(frame.Cols * 4 / 5, frame.Rows * 4 / 5), interpolation: InterpolationFlags.Area);
            small.CopyTo(new Mat(shrunk, new Rect((frame.Cols - small.Cols) / 2, (frame.Rows - small.Rows) / 2, small.Cols, small.Rows)));
        }

        using var ultraface = FaceDetectors.Create("ultraface", fixture.Store!);
        int smallWidth = ultraface.Detect(shrunk).Should().ContainSingle().Subject.Box.Width;
        int fullWidth = ultraface.Detect(frame).Should().ContainSingle().Subject.Box.Width;
        var clip = temp.File("grow.avi");
        using (var writer = VideoIo.CreateWriter(clip, "MJPG", 25, frame.Size()))
        {
            for (int i = 0; i < 9; i++)
            {
                writer.Write(i < 3 ? shrunk : frame);
            }
        }

        var options = new PipelineOptions { MinFaceSize = (smallWidth + fullWidth) / 2, Tracker = new() { ReclassifyEvery = 100 } };
        var (json, summary) = RunToJson(new VideoFileSource(clip), options);

        var lines = json.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(9);
        lines.Take(3).Should().OnlyContain(l => l.Contains("\"state\":\"too_small\",\"label\":null,\"probability\":null,\"mask\":false,\"maskProbability\":null,\"classified\":false"));
        lines.Skip(3).Should().OnlyContain(l => l.Contains("\"state\":\"classified\",\"label\":\"without_mask\""),
            "the grown face is classified at once, although the tracker would only ask again after 100 frames");
        summary.Faces.Should().Be(9);

        var (all, _) = RunToJson(new VideoFileSource(clip), options with { MinFaceSize = 0 });
        all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().OnlyContain(l => l.Contains("\"state\":\"classified\""), "0 classifies every face");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_frame_where_the_detector_misses_the_face_reports_it_held_with_its_label()
    {
        // Frames 0-3 and 5-6 as recorded, frame 4 blank grey: no face to find there, and the tracked face is held.
        using var temp = new TempFolder();
        var clip = temp.File("gap.avi");
        using (var capture = VideoIo.OpenFile(SharedData.Full("data/videos/Gituatu_nomask.mp4")))
        using (var frame = new Mat())
        {
            capture.Read(frame).Should().BeTrue();
            using var grey = new Mat(frame.Size(), frame.Type(), Scalar.All(128));
            using var writer = VideoIo.CreateWriter(clip, "MJPG", 25, frame.Size());
            for (int i = 0; i < 7; i++)
            {
                writer.Write(i == 4 ? grey : frame);
                capture.Read(frame).Should().BeTrue();
            }
        }

        var (json, summary) = RunToJson(new VideoFileSource(clip), new PipelineOptions());

        var lines = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l)).ToArray();
        lines.Should().HaveCount(7);
        var faces = lines.Select(l => l.RootElement.GetProperty("faces")).ToArray();
        faces.Should().OnlyContain(f => f.GetArrayLength() == 1, "one face in every frame, the blank one included");
        var held = faces[4][0];
        held.GetProperty("state").GetString().Should().Be("held");
        held.GetProperty("classified").GetBoolean().Should().BeFalse();
        held.GetProperty("label").GetString().Should().Be("without_mask");
        held.GetProperty("track").GetInt32().Should().Be(faces[3][0].GetProperty("track").GetInt32());
        held.GetProperty("box").GetRawText().Should().Be(faces[3][0].GetProperty("box").GetRawText(), "the box of the frame before");
        faces.Where((_, i) => i != 4).Should().OnlyContain(f => f[0].GetProperty("state").GetString() == "classified");
        faces[5][0].GetProperty("track").GetInt32().Should().Be(faces[3][0].GetProperty("track").GetInt32(), "the face found again keeps its track");
        (summary.Faces, summary.Held).Should().Be((7, 1));
        foreach (var l in lines)
        {
            l.Dispose();
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_camera_that_stops_ends_the_run_after_its_last_frame_with_the_reason()
    {
        using var temp = new TempFolder();
        var clip = DetectTestFrames.WriteNumberedVideo(temp.File("cam.avi"), 8);
        bool opened = false;
        var camera = new RetryingSource(
            () => opened ? throw new CameraUnavailableException(0, "camera 0 could not be opened (no /dev/video0?)") : Opened(ref opened, clip),
            new RetryPolicy { Retries = 2, Delay = TimeSpan.FromMilliseconds(1) });

        var pipeline = CreatePipeline(camera, out var json, out var resources);
        using (resources)
        {
            var summary = pipeline.Run();
            summary.Reason.Should().Be(StopReason.CameraLost);
            // A live source never waits for the loop: frames that arrive while it is busy replace
            // older waiting ones. Every frame read is either finished or counted as dropped.
            (summary.Frames + summary.Dropped).Should().Be(8);
            summary.Frames.Should().BeGreaterThan(0);
            pipeline.LastError.Should().StartWith($"{clip} stopped delivering frames (no frame after 2 retries");
            var lines = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().HaveCount((int)summary.Frames);
            lines[^1].Should().StartWith("{\"frame\":7,", "the newest frame is never the one dropped");
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task A_failing_stage_stops_the_others_and_its_error_surfaces()
    {
        using var temp = new TempFolder();
        var clip = Clip(temp.File("clip.avi"), "data/videos/Gituatu_mask.mp4", 20);
        var pipeline = CreatePipeline(new VideoFileSource(clip), out _, out var resources);
        using (resources)
        {
            resources.Classifier.Dispose(); // its network is gone: the classify stage throws on the first face

            var run = Task.Run(() => pipeline.Run());
            var error = await FluentActions.Awaiting(() => run.WaitAsync(TimeSpan.FromSeconds(60))).Should().ThrowAsync<Exception>();
            error.Which.Should().NotBeOfType<TimeoutException>("a failed stage must not leave the others waiting");
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Cancelling_ends_with_the_frames_classified_so_far_in_order()
    {
        using var temp = new TempFolder();
        var clip = Clip(temp.File("clip.avi"), "data/videos/Gituatu_mask.mp4", 6);
        using var cancel = new CancellationTokenSource();
        var pipeline = CreatePipeline(new VideoFileSource(clip, loop: true), out var json, out var resources, maxFrames: 0);
        using (resources)
        {
            cancel.CancelAfter(TimeSpan.FromSeconds(2));
            var summary = pipeline.Run(cancel.Token);
            summary.Reason.Should().Be(StopReason.Interrupted);
            summary.Frames.Should().BeGreaterThan(0);
            var frames = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            frames.Should().HaveCount((int)summary.Frames);
            frames[^1].Should().StartWith($"{{\"frame\":{summary.Frames - 1},", "frames are finished in order, none skipped");
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_stop_does_not_wait_for_the_hundreds_of_faces_in_flight()
    {
        // UltraFace at confidence 0 keeps about 1,900 boxes of each frame, seconds of classification
        // a frame (about 23 s here): a stop waited for every frame in flight, now for one slice of faces.
        // The stop comes once the first frame is written, so the frames after it are in flight.
        using var temp = new TempFolder();
        var clip = Clip(temp.File("h3-crowd.avi"), "data/videos/Gituatu_mask.mp4", 6);
        using var cancel = new CancellationTokenSource();
        var pipeline = CreatePipeline(new VideoFileSource(clip), out var json, out var resources, new PipelineOptions { MinFaceSize = 0 }, minConfidence: 0);
        using (resources)
        {
            var run = Task.Run(() => pipeline.Run(cancel.Token));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            // Only the length is read while the sink writes (a number, not the text being appended).
            while (json.GetStringBuilder().Length == 0 && !run.IsCompleted && watch.Elapsed < TimeSpan.FromMinutes(3))
            {
                Thread.Sleep(50);
            }

            run.IsCompleted.Should().BeFalse("6 frames of 1,900 faces are not done when the first is written");
            cancel.Cancel();
            watch.Restart();
            run.Wait(TimeSpan.FromMinutes(3)).Should().BeTrue();
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the stop waits for one slice of 16 faces, not for the next frame's 1,900");
            var summary = run.Result;
            summary.Reason.Should().Be(StopReason.Interrupted);
            summary.Frames.Should().BeInRange(1, 5, "the first frame was written before the stop; the last was not reached");
            var frames = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            frames.Should().HaveCount((int)summary.Frames);
            for (int i = 0; i < frames.Length; i++)
            {
                frames[i].Should().StartWith($"{{\"frame\":{i},", "the frames finished run in order from the first");
            }
        }
    }

    private static VideoFileSource Opened(ref bool opened, string path)
    {
        opened = true;
        return new VideoFileSource(path);
    }

    private (string Json, RunSummary Summary) RunToJson(IFrameSource source, PipelineOptions options)
    {
        var pipeline = CreatePipeline(source, out var json, out var resources, options: options);
        using (resources)
        {
            var summary = pipeline.Run();
            return (json.ToString(), summary);
        }
    }

    private DetectionPipeline CreatePipeline(IFrameSource source, out StringWriter json, out Resources resources, PipelineOptions? options = null, long maxFrames = 0, float? minConfidence = null)
    {
        var model = MaskModel.Load(fixture.Run!.ModelPath);
        var detector = new CatalogFaceDetector(FaceDetectors.Create("ultraface", fixture.Store!), minConfidence);
        var classifier = new ModelFaceClassifier(model);
        json = new StringWriter { NewLine = "\n" };
        var writer = new JsonFrameWriter(json, model.Labels);
        var sink = new DetectorSink(new OverlayRenderer(model.Labels), writer);
        resources = new Resources(source, detector, classifier, sink, writer);
        return new DetectionPipeline(source, detector, classifier, sink, (options ?? new PipelineOptions()) with { MaxFrames = maxFrames, MaskLabelIndex = 0 });
    }

    /// <summary>The first <paramref name="frames"/> frames of a shared video, as an MJPG .avi.</summary>
    private static string Clip(string path, string shared, int frames)
    {
        using var capture = VideoIo.OpenFile(SharedData.Full(shared));
        using var frame = new Mat();
        capture.Read(frame).Should().BeTrue();
        using var writer = VideoIo.CreateWriter(path, "MJPG", 25, frame.Size());
        for (int i = 0; i < frames; i++)
        {
            writer.Write(frame);
            capture.Read(frame).Should().BeTrue();
        }

        return path;
    }

    private sealed record Resources(IFrameSource Source, CatalogFaceDetector Detector, ModelFaceClassifier Classifier, DetectorSink Sink, JsonFrameWriter Writer) : IDisposable
    {
        public void Dispose()
        {
            Sink.Dispose();
            Writer.Dispose();
            Classifier.Dispose();
            Detector.Dispose();
            Source.Dispose();
        }
    }
}
