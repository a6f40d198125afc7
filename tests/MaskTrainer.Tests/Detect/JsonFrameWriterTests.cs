using System.Text.Json;
using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Output;
using MaskTrainer.Detect.Stats;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Detect;

public sealed class JsonFrameWriterTests
{
    private static readonly string[] Labels = ["with_mask", "without_mask"];

    [Fact]
    public void Each_frame_is_one_line_with_the_documented_schema()
    {
        using var packet = DetectTestFrames.Packet(640, 480,
            (new Rect(10, 20, 100, 120), false, FaceAlerts.Proximity | FaceAlerts.Distancing),
            (new Rect(300, 40, 50, 60), true, FaceAlerts.None));
        packet.Index = 41;
        packet.TimeMs = 1640.04;
        var output = new StringWriter();
        using (var writer = new JsonFrameWriter(output, Labels))
        {
            writer.WriteFrame(packet);
            writer.WriteFrame(packet);
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines[1].Should().Be(lines[0]);
        using var doc = JsonDocument.Parse(lines[0]);
        var root = doc.RootElement;
        Names(root).Should().Equal("frame", "timeMs", "faces");
        root.GetProperty("frame").GetInt64().Should().Be(41);
        root.GetProperty("timeMs").GetDouble().Should().Be(1640.0);

        var faces = root.GetProperty("faces").EnumerateArray().ToArray();
        faces.Should().HaveCount(2);
        Names(faces[0]).Should().Equal("track", "box", "faceScore", "state", "label", "probability", "mask", "maskProbability", "classified", "alerts");
        faces[0].GetProperty("track").GetInt32().Should().Be(1);
        var box = faces[0].GetProperty("box");
        Names(box).Should().Equal("x", "y", "width", "height");
        (box.GetProperty("x").GetInt32(), box.GetProperty("y").GetInt32(), box.GetProperty("width").GetInt32(), box.GetProperty("height").GetInt32())
            .Should().Be((10, 20, 100, 120));
        faces[0].GetProperty("faceScore").GetDouble().Should().Be(0.9877);
        faces[0].GetProperty("label").GetString().Should().Be("without_mask");
        faces[0].GetProperty("probability").GetDouble().Should().Be(0.8);
        faces[0].GetProperty("mask").GetBoolean().Should().BeFalse();
        faces[0].GetProperty("maskProbability").GetDouble().Should().Be(0.2);
        faces[0].GetProperty("classified").GetBoolean().Should().BeTrue();
        faces[0].GetProperty("alerts").EnumerateArray().Select(a => a.GetString()).Should().Equal("proximity", "distancing");

        faces[1].GetProperty("label").GetString().Should().Be("with_mask");
        faces[1].GetProperty("mask").GetBoolean().Should().BeTrue();
        faces[1].GetProperty("classified").GetBoolean().Should().BeFalse();
        faces[1].GetProperty("alerts").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public void A_frame_without_faces_has_an_empty_list_and_the_summary_is_the_last_line()
    {
        using var packet = DetectTestFrames.Packet(64, 48);
        var output = new StringWriter();
        using (var writer = new JsonFrameWriter(output, Labels))
        {
            writer.WriteFrame(packet);
            writer.WriteSummary(new RunSummary(1, 0, 0, 0.5, 12.34, 20.01, 1.25, StopReason.UserQuit) { Dropped = 2 });
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("{\"frame\":0,\"timeMs\":0,\"faces\":[]}");
        using var doc = JsonDocument.Parse(lines[1]);
        var s = doc.RootElement.GetProperty("summary");
        Names(s).Should().Equal("frames", "faces", "classifications", "heldFaces", "seconds", "meanFps", "p50LatencyMs", "p95LatencyMs", "startupSeconds", "dropped", "stopReason");
        s.GetProperty("meanFps").GetDouble().Should().Be(2);
        s.GetProperty("p95LatencyMs").GetDouble().Should().Be(20.01);
        s.GetProperty("dropped").GetInt64().Should().Be(2);
        s.GetProperty("stopReason").GetString().Should().Be("userQuit");
    }

    [Fact]
    public void An_images_run_adds_the_path_to_each_line_and_the_file_counts_to_the_summary()
    {
        using var packet = DetectTestFrames.Packet(64, 48);
        var output = new StringWriter();
        using (var writer = new JsonFrameWriter(output, Labels))
        {
            writer.WriteFrame(packet, "photos/\"odd\".jpg");
            writer.WriteSummary(new RunSummary(2, 3, 3, 0.5, 100, 120, 1.25, StopReason.EndOfInput) { Batch = new ImageBatchCounts(Skipped: 1, Failed: 4) });
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("{\"path\":\"photos/\\u0022odd\\u0022.jpg\",\"frame\":0,\"timeMs\":0,\"faces\":[]}");
        using var doc = JsonDocument.Parse(lines[1]);
        var s = doc.RootElement.GetProperty("summary");
        Names(s).Should().Equal("images", "skipped", "failed", "frames", "faces", "classifications", "heldFaces", "seconds", "meanFps", "p50LatencyMs", "p95LatencyMs", "startupSeconds", "dropped", "stopReason");
        (s.GetProperty("images").GetInt64(), s.GetProperty("skipped").GetInt32(), s.GetProperty("failed").GetInt32()).Should().Be((2, 1, 4));
    }

    [Fact]
    public void A_held_face_has_state_held_its_label_and_classified_false_and_the_summary_counts_held_faces()
    {
        using var packet = DetectTestFrames.Packet(640, 480,
            (new Rect(10, 20, 100, 120), false, FaceAlerts.None),
            (new Rect(300, 40, 50, 60), true, FaceAlerts.None),
            (new Rect(400, 40, 10, 10), true, FaceAlerts.None));
        packet.Faces[1].Held = true;
        packet.Faces[1].Classified = false;
        packet.Faces[1].Score = 0;
        packet.Faces[2].Held = true;
        packet.Faces[2].Classified = false;
        packet.Faces[2].Verdict = MaskTrainer.Detect.Classification.FaceVerdict.TooSmallToJudge;
        var output = new StringWriter();
        using (var writer = new JsonFrameWriter(output, Labels))
        {
            writer.WriteFrame(packet);
            writer.WriteSummary(new RunSummary(10, 12, 3, 0.5, 1, 2, 1, StopReason.EndOfInput) { Held = 2 });
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Contain("{\"track\":1,\"box\":{\"x\":10,\"y\":20,\"width\":100,\"height\":120},\"faceScore\":0.9877,\"state\":\"classified\",");
        lines[0].Should().Contain("{\"track\":2,\"box\":{\"x\":300,\"y\":40,\"width\":50,\"height\":60},\"faceScore\":0,\"state\":\"held\",\"label\":\"with_mask\",\"probability\":0.9,\"mask\":true,\"maskProbability\":0.9,\"classified\":false,\"alerts\":[]}");
        lines[0].Should().Contain("\"state\":\"held\",\"label\":null,\"probability\":null,\"mask\":false,\"maskProbability\":null,\"classified\":false", "a held face too small to judge stays too small");
        using var doc = JsonDocument.Parse(lines[1]);
        var s = doc.RootElement.GetProperty("summary");
        (s.GetProperty("faces").GetInt64(), s.GetProperty("heldFaces").GetInt64()).Should().Be((12, 2));
    }

    [Fact]
    public void Label_names_are_escaped_as_json()
    {
        using var packet = DetectTestFrames.Packet(64, 48, (new Rect(1, 1, 10, 10), true, FaceAlerts.None));
        var output = new StringWriter();
        using (var writer = new JsonFrameWriter(output, ["mask \"ok\"", "no"]))
        {
            writer.WriteFrame(packet);
        }

        using var doc = JsonDocument.Parse(output.ToString());
        doc.RootElement.GetProperty("faces")[0].GetProperty("label").GetString().Should().Be("mask \"ok\"");
    }

    private static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();
}
