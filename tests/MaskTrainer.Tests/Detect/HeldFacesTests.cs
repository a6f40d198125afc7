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
/// Held faces (TrackerOptions.HoldFrames) through the whole frame loop, with a scripted detector
/// and classifier (no models: fast, exact boxes and probabilities).
/// </summary>
public sealed class HeldFacesTests
{
    private static readonly string[] Labels = ["with_mask", "without_mask"];

    [Fact]
    public void A_face_the_detector_misses_is_reported_held_at_its_last_box_with_its_label_and_is_not_classified()
    {
        // Frame:  0 1 2 3 4 5 6 7
        // face:   x x x - x - - -   (moves 2 px a frame)
        // ghost:  . . . . x . . .   (a one-frame false detection: never held)
        var detector = new ScriptedDetector(i => i switch
        {
            3 or 5 or 6 or 7 => [],
            4 => [Face(i), new Rect(10, 10, 40, 40)],
            _ => [Face(i)],
        });
        var classifier = new ScriptedClassifier();
        using var temp = new TempFolder();
        var (lines, summary) = Run(DetectTestFrames.WriteNumberedVideo(temp.File("clip.avi"), 8, 320, 240), detector, classifier,
            new PipelineOptions { Tracker = new() { ReclassifyEvery = 1 } });

        lines.Should().HaveCount(8);
        var faces = lines.Select(l => l.RootElement.GetProperty("faces").EnumerateArray().ToArray()).ToArray();
        faces.Select(f => f.Length).Should().Equal(1, 1, 1, 1, 2, 1, 1, 0);
        var states = faces.Select(f => string.Join(",", f.Select(x => x.GetProperty("state").GetString()))).ToArray();
        states.Should().Equal("classified", "classified", "classified", "held", "classified,classified", "held", "held", "");

        var track = faces[0][0].GetProperty("track").GetInt32();
        foreach (var (frame, shown) in new[] { (3, 2), (5, 4), (6, 4) })
        {
            var held = faces[frame][0];
            held.GetProperty("track").GetInt32().Should().Be(track, $"frame {frame} holds the same track");
            Box(held).Should().Be(Face(shown), $"frame {frame} shows the box of frame {shown}");
            held.GetProperty("classified").GetBoolean().Should().BeFalse();
            held.GetProperty("faceScore").GetDouble().Should().Be(0);
            held.GetProperty("label").GetString().Should().Be(faces[shown][0].GetProperty("label").GetString());
            held.GetProperty("maskProbability").GetDouble().Should().Be(faces[shown][0].GetProperty("maskProbability").GetDouble(),
                "the last smoothed verdict, untouched by the held frame");
        }

        faces[4][0].GetProperty("track").GetInt32().Should().Be(track, "the face found again continues its track");
        classifier.Frames.Should().Equal([0, 1, 2, 4, 4], "held frames are never classified");
        summary.Faces.Should().Be(8);
        summary.Held.Should().Be(3);
        summary.Classifications.Should().Be(5);
        lines.ForEach(l => l.Dispose());
    }

    [Fact]
    public void HoldFrames_0_reports_only_what_the_detector_found()
    {
        // Found in frames 0-2 (a confirmed track), missed in 3: the default holds it there.
        static Rect[] Script(int i) => i == 3 ? [] : [Face(i)];
        using var temp = new TempFolder();
        var video = DetectTestFrames.WriteNumberedVideo(temp.File("clip.avi"), 5, 320, 240);
        var (held, _) = Run(video, new ScriptedDetector(Script), new ScriptedClassifier(), new PipelineOptions());
        held.Select(l => l.RootElement.GetProperty("faces").GetArrayLength()).Should().Equal(1, 1, 1, 1, 1);
        held.ForEach(l => l.Dispose());

        var (lines, summary) = Run(video, new ScriptedDetector(Script), new ScriptedClassifier(), new PipelineOptions { Tracker = new() { HoldFrames = 0 } });

        lines.Select(l => l.RootElement.GetProperty("faces").GetArrayLength()).Should().Equal(1, 1, 1, 0, 1);
        summary.Held.Should().Be(0);
        lines.ForEach(l => l.Dispose());
    }

    [Fact]
    public void Images_never_carry_a_face_to_the_next_image()
    {
        // The same face in three images, none in the fourth: one tracker across the batch would have
        // confirmed the track and held it into the fourth image.
        using var temp = new TempFolder();
        var files = new List<string>();
        using (var black = new Mat(240, 320, MatType.CV_8UC3, Scalar.All(0)))
        {
            foreach (var name in new[] { "a.png", "b.png", "c.png", "d.png" })
            {
                files.Add(temp.File(name));
                ImageCodec.Write(files[^1], black);
            }
        }

        var detector = new ScriptedDetector(i => i < 3 ? [Face(0)] : []);
        var classifier = new ScriptedClassifier();
        var json = new StringWriter { NewLine = "\n" };
        RunSummary summary;
        using (var writer = new JsonFrameWriter(json, Labels))
        {
            summary = new ImageBatch(TextWriter.Null, detector, classifier, new OverlayRenderer(Labels) { ShowFps = false }, writer, new PipelineOptions())
                .Run(ImageList.Expand(files), null, TimeSpan.Zero, CancellationToken.None);
        }

        var lines = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(4);
        lines.Take(3).Should().OnlyContain(l => l.Contains("\"track\":1,") && l.Contains("\"state\":\"classified\"") && l.Contains("\"classified\":true"),
            "a fresh tracker per image");
        lines[3].Should().EndWith("\"faces\":[]}");
        (summary.Faces, summary.Held).Should().Be((3, 0));
    }

    // The scripted face of frame i: 80 x 80, 2 px further right each frame.
    private static Rect Face(int frame) => new(100 + 2 * frame, 60, 80, 80);

    private static Rect Box(JsonElement face)
    {
        var b = face.GetProperty("box");
        return new Rect(b.GetProperty("x").GetInt32(), b.GetProperty("y").GetInt32(), b.GetProperty("width").GetInt32(), b.GetProperty("height").GetInt32());
    }

    private static (List<JsonDocument> Lines, RunSummary Summary) Run(string clip, IFrameFaceDetector detector, IFaceClassifier classifier, PipelineOptions options)
    {
        var json = new StringWriter { NewLine = "\n" };
        RunSummary summary;
        using (var source = new VideoFileSource(clip))
        using (var writer = new JsonFrameWriter(json, Labels))
        using (var sink = new DetectorSink(new OverlayRenderer(Labels), writer))
        {
            summary = new DetectionPipeline(source, detector, classifier, sink, options).Run();
        }

        return (json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList(), summary);
    }

    /// <summary>Returns the boxes a script gives for the n-th call (the detect stage calls it once per frame, in order).</summary>
    private sealed class ScriptedDetector(Func<int, Rect[]> script) : IFrameFaceDetector
    {
        private int _calls;

        public string Name => "scripted";

        public void Detect(Mat frame, List<FaceBox> faces)
        {
            faces.Clear();
            foreach (var box in script(_calls++))
            {
                faces.Add(new FaceBox(box, 0.95f));
            }
        }

        public void Dispose()
        {
        }
    }

    /// <summary>P(mask) 0.9, 0.8, 0.7, ... call after call (so smoothing moves), and records the frame each face came from.</summary>
    private sealed class ScriptedClassifier : IFaceClassifier
    {
        private int _faces;

        public IReadOnlyList<string> Labels => HeldFacesTests.Labels;

        /// <summary>Per classified face, the frame it was in (its box's x gives it away).</summary>
        public List<int> Frames { get; } = [];

        public void Classify(Mat frame, ReadOnlySpan<Rect> faces, Span<float> probabilities)
        {
            for (int i = 0; i < faces.Length; i++)
            {
                float p = Math.Max(0.1f, 0.9f - 0.1f * _faces++);
                probabilities[2 * i] = p;
                probabilities[2 * i + 1] = 1 - p;
                Frames.Add(faces[i].X >= 100 ? (faces[i].X - 100) / 2 : 4);
            }
        }

        public void Dispose()
        {
        }
    }
}
