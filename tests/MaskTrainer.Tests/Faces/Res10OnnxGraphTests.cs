using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using MaskTrainer.Tests.Imaging;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Tests.Faces;

/// <summary>
/// res10 converted from its TensorFlow graph to ONNX and run by ONNX Runtime must find what
/// OpenCV's DNN finds on the original graph: same faces, same boxes, same scores.
/// </summary>
public sealed class Res10OnnxGraphTests : IDisposable
{
    private const string Res10 = "models/opencv_face_detector_uint8.pb";
    private const string Res10Config = "models/opencv_face_detector.pbtxt";
    private const string Images = "data/faces-dlib/images";
    private const string Masked = "data/mask-sample/with_mask";

    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"mt-res10-onnx-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [SharedFact(Res10, Res10Config, Images, Masked)]
    public void Onnx_runtime_finds_the_faces_opencv_finds_with_the_same_boxes_and_scores()
    {
        using var opencv = CvDnn.ReadNetFromTensorflow(ImagingTestData.Res10Model, ImagingTestData.Res10Config)!;
        using var ours = new Res10SsdDetector(ImagingTestData.Res10Model, ImagingTestData.Res10Config,
            new FaceDetectorOptions { MinConfidence = 0.3f, NmsThreshold = 0.45f });
        var files = Directory.GetFiles(SharedData.Full(Images), "*.jpg").Order(StringComparer.Ordinal)
            .Concat(Directory.GetFiles(SharedData.Full(Masked)).Order(StringComparer.Ordinal).Take(20)).ToList();
        int compared = 0;
        foreach (var file in files)
        {
            using var image = ImageCodec.Read(file);
            using var blob = CvDnn.BlobFromImage(image, 1.0, new Size(300, 300), DnnTests.Res10Mean, swapRB: false, crop: false);
            opencv.SetInput(blob);
            using var output = opencv.Forward("detection_out");
            var expected = Rows(output, 0.3f);
            var found = ours.Detect(image);

            // Scores that sit at the threshold may fall either side of it; compare the clear ones.
            foreach (var (score, box) in expected.Where(e => e.Score >= 0.35f))
            {
                var target = new Rect2f(box.X * image.Cols, box.Y * image.Rows, box.Width * image.Cols, box.Height * image.Rows);
                var match = found.OrderByDescending(f => Iou(f.Box, target)).FirstOrDefault();
                match.Should().NotBeNull($"{Path.GetFileName(file)}: OpenCV finds a face at {target} ({score:0.000})");
                // Our boxes are whole pixels: every edge within a pixel (plus rounding) of OpenCV's.
                var edges = new[] { match!.Box.Left - target.Left, match.Box.Top - target.Top, match.Box.Right - target.Right, match.Box.Bottom - target.Bottom };
                edges.Select(Math.Abs).Max().Should().BeLessThan(1.5f, $"{Path.GetFileName(file)}: box {match.Box} vs OpenCV's {target}");
                match.Score.Should().BeApproximately(score, 2e-3f, Path.GetFileName(file));
                compared++;
            }

            found.Count(f => f.Score >= 0.35f).Should().Be(expected.Count(e => e.Score >= 0.35f), $"{Path.GetFileName(file)}: ours {string.Join("; ", found.Select(f => $"{f.Score} {f.Box.X},{f.Box.Y},{f.Box.Width}x{f.Box.Height}"))} vs {string.Join("; ", expected.Select(e => $"{e.Score} {e.Box}"))} of {image.Cols}x{image.Rows}");
        }

        compared.Should().BeGreaterThan(40, "faces-dlib alone has 43 faces");
    }

    [SharedFact(Res10, Res10Config, Images)]
    public void At_a_low_threshold_it_keeps_what_opencv_keeps_not_every_box()
    {
        // Three people before foliage: at 0.05 hundreds of boxes, where OpenCV's DetectionOutput
        // takes the 400 best into its NMS and keeps the 200 best (the fused detectors consult
        // res10 this low).
        using var opencv = CvDnn.ReadNetFromTensorflow(ImagingTestData.Res10Model, ImagingTestData.Res10Config)!;
        using var ours = new Res10SsdDetector(ImagingTestData.Res10Model, ImagingTestData.Res10Config,
            new FaceDetectorOptions { MinConfidence = 0.05f, NmsThreshold = 0.45f });
        using var image = ImageCodec.Read(SharedData.Full($"{Images}/2008_001322.jpg"));
        using var blob = CvDnn.BlobFromImage(image, 1.0, new Size(300, 300), DnnTests.Res10Mean, swapRB: false, crop: false);
        opencv.SetInput(blob);
        using var output = opencv.Forward("detection_out");
        var expected = Rows(output, 0.05f);

        var found = ours.Detect(image);

        var raw = output.GetFloats().ToArray();
        Enumerable.Range(0, raw.Length / 7).Count(i => raw[(i * 7) + 2] >= 0.05f).Should().Be(200, "the photo must reach keep_top_k");
        // Not bit for bit: our NMS sees boxes rounded to whole pixels, so a few pairs near the
        // 0.45 overlap fall the other way; without the limits it kept 1,468.
        found.Count.Should().BeCloseTo(expected.Count, 10).And.BeLessThanOrEqualTo(200);
        int same = 0;
        foreach (var (_, box) in expected)
        {
            var target = new Rect2f(box.X * image.Cols, box.Y * image.Rows, box.Width * image.Cols, box.Height * image.Rows);
            var match = found.MaxBy(f => Iou(f.Box, target))!;
            var edges = new[] { match.Box.Left - target.Left, match.Box.Top - target.Top, match.Box.Right - target.Right, match.Box.Bottom - target.Bottom };
            same += edges.Select(Math.Abs).Max() < 1.5f ? 1 : 0;
        }

        same.Should().BeGreaterThanOrEqualTo((int)(0.9 * expected.Count), "nearly every box OpenCV keeps is ours too");
    }

    [SharedFact(Res10, Res10Config)]
    public void The_graph_is_converted_once_and_reused_from_the_cache()
    {
        var spec = ModelCatalog.Default.Get(Res10SsdDetector.ModelId);
        var first = Res10OnnxGraph.Prepare(spec, ImagingTestData.Res10Model, ImagingTestData.Res10Config, _cache);
        var written = File.GetLastWriteTimeUtc(first);
        var again = Res10OnnxGraph.Prepare(spec, ImagingTestData.Res10Model, ImagingTestData.Res10Config, _cache);

        again.Should().Be(first);
        File.GetLastWriteTimeUtc(again).Should().Be(written);
        Path.GetDirectoryName(first).Should().Be(_cache);
        Path.GetFileName(first).Should().StartWith("opencv_face_detector_uint8.5c71d752ef2cbf2f.onnx-");
    }

    [SharedFact(Res10Config)]
    public void A_file_that_is_not_the_catalogs_is_refused_with_its_name()
    {
        var fake = Path.Combine(_cache, "opencv_face_detector_uint8.pb");
        Directory.CreateDirectory(_cache);
        File.WriteAllBytes(fake, [1, 2, 3]);
        var spec = ModelCatalog.Default.Get(Res10SsdDetector.ModelId);

        var act = () => Res10OnnxGraph.Prepare(spec, fake, ImagingTestData.Res10Config, _cache);

        act.Should().Throw<OnnxGraphEditException>().WithMessage($"{fake}: SHA-256 is *, not the expected {spec.Files[0].Sha256}");
    }

    [Fact]
    public void A_graph_with_an_operator_it_cannot_convert_names_the_node()
    {
        // GraphDef { node { name: "data" op: "Placeholder" } node { name: "odd" op: "Cumsum" input: "data" } }
        static byte[] Node(string name, string op, string? input)
        {
            var bytes = new List<byte>();
            void Field(int number, string value)
            {
                var text = System.Text.Encoding.UTF8.GetBytes(value);
                bytes.Add((byte)((number << 3) | 2));
                bytes.Add((byte)text.Length);
                bytes.AddRange(text);
            }

            Field(1, name);
            Field(2, op);
            if (input is not null)
            {
                Field(3, input);
            }

            return [(byte)((1 << 3) | 2), (byte)bytes.Count, .. bytes];
        }

        byte[] pb = [.. Node("data", "Placeholder", null), .. Node("odd", "Cumsum", "data")];

        var act = () => Res10OnnxGraph.Build(pb, "odd.pb", 300, 300, new float[16]);

        act.Should().Throw<OnnxGraphEditException>().WithMessage("odd.pb: cannot convert node 'odd' (Cumsum) to ONNX: operator Cumsum is not supported");
    }

    private static List<(float Score, Rect2f Box)> Rows(Mat output, float minScore)
    {
        var values = output.GetFloats();
        var rows = new List<(float, Rect2f)>();
        for (var i = 0; i + 7 <= values.Length; i += 7)
        {
            float cx = (values[i + 3] + values[i + 5]) / 2, cy = (values[i + 4] + values[i + 6]) / 2;
            if (values[i + 2] >= minScore && cx is >= 0 and <= 1 && cy is >= 0 and <= 1)
            {
                rows.Add((values[i + 2], new Rect2f(values[i + 3], values[i + 4], values[i + 5] - values[i + 3], values[i + 6] - values[i + 4])));
            }
        }

        return rows;
    }

    private static double Iou(Rect a, Rect2f b)
    {
        double x1 = Math.Max(a.Left, b.Left), y1 = Math.Max(a.Top, b.Top);
        double x2 = Math.Min(a.Right, b.Right), y2 = Math.Min(a.Bottom, b.Bottom);
        double inter = Math.Max(0, x2 - x1) * Math.Max(0, y2 - y1);
        return inter / ((a.Width * a.Height) + (b.Width * b.Height) - inter);
    }
}
