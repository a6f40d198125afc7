using MaskTrainer.OpenCv;

namespace MaskTrainer.Tests.OpenCv;

public sealed class DnnTests
{
    private const string Res10 = "models/opencv_face_detector_uint8.pb";
    private const string Res10Config = "models/opencv_face_detector.pbtxt";
    private const string FaceImage = "data/faces-dlib/images/2008_002506.jpg";

    /// <summary>res10 SSD preprocessing: 300x300 BGR, mean (104, 177, 123), scale 1.</summary>
    internal static readonly Scalar Res10Mean = new(104, 177, 123);

    [SharedFact(Res10, Res10Config, FaceImage)]
    public void Res10_finds_the_three_faces()
    {
        using var net = Net.ReadFromTensorflow(OpenCvTestData.Res10Model, OpenCvTestData.Res10Config);
        using var image = Cv2.ImRead(OpenCvTestData.FaceImage);
        using var blob = Dnn.BlobFromImage(image, 1.0, new Size(300, 300), Res10Mean, swapRB: false);

        blob.Shape.Should().Equal(1, 3, 300, 300);
        net.SetInput(blob);
        using var output = net.Forward();

        output.Dims.Should().Be(4);
        output.Shape[0].Should().Be(1);
        output.Shape[3].Should().Be(7);
        var faces = Faces(output, 0.5f, image.Size);
        faces.Should().HaveCount(3);
        foreach (var face in faces)
        {
            new Rect(0, 0, image.Cols, image.Rows).Contains(face).Should().BeTrue();
        }
    }

    [SharedFact(Res10, Res10Config, FaceImage)]
    public void Forward_into_an_existing_mat_reuses_it_and_network_introspection_works()
    {
        using var net = Net.ReadFromTensorflow(OpenCvTestData.Res10Model, OpenCvTestData.Res10Config);
        using var image = Cv2.ImRead(OpenCvTestData.FaceImage);
        using var blob = new Mat();
        Dnn.BlobFromImage(image, blob, 1.0, new Size(300, 300), Res10Mean, swapRB: false);
        using var output = new Mat();

        net.SetInput(blob);
        net.Forward(output);
        var first = output.GetFloats().ToArray();
        var address = MatTests.Address(output.GetFloats());
        net.SetInput(blob);
        net.Forward(output);

        MatTests.Address(output.GetFloats()).Should().Be(address);
        output.GetFloats().ToArray().Should().Equal(first);

        net.IsEmpty.Should().BeFalse();
        var outputs = net.GetUnconnectedOutLayersNames();
        outputs.Should().Equal("detection_out");
        net.GetLayerNames().Should().Contain("detection_out").And.HaveCountGreaterThan(30);
        net.GetOutputShape("detection_out", [1, 3, 300, 300]).Should().HaveCount(4).And.EndWith(7);

        net.SetInput(blob);
        var many = net.Forward(outputs);
        many.Should().ContainSingle();
        many[0].GetFloats().ToArray().Should().Equal(first);
        many[0].Dispose();
    }

    [SharedFact(Res10, Res10Config)]
    public void GetOutputShape_of_an_unknown_layer_names_it()
    {
        using var net = Net.ReadFromTensorflow(OpenCvTestData.Res10Model, OpenCvTestData.Res10Config);

        var act = () => net.GetOutputShape("no_such_layer", [1, 3, 300, 300]);

        act.Should().Throw<OpenCvException>().WithMessage("output shape of 'no_such_layer': *no layer named 'no_such_layer'*");
    }

    [SharedFact("models/face_detection_front_128x128_barracuda.onnx")]
    public void Onnx_loads_from_path_and_from_bytes_alike()
    {
        var path = SharedData.Full("models/face_detection_front_128x128_barracuda.onnx");
        using var fromPath = Net.ReadFromOnnx(path);
        using var fromBytes = Net.ReadFromOnnx(File.ReadAllBytes(path));

        fromBytes.GetLayerNames().Should().Equal(fromPath.GetLayerNames());
        fromBytes.GetUnconnectedOutLayersNames().Should().NotBeEmpty();
    }

    [Fact]
    public void Missing_and_corrupt_models_fail_naming_the_file()
    {
        using var dir = new TempFolder();
        var missing = dir.File("missing.onnx");
        var corrupt = dir.File("corrupt.onnx");
        var bytes = new byte[2048];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(corrupt, bytes);

        Assert.Throws<OpenCvException>(() => Net.ReadFromOnnx(missing)).Message.Should().Be($"{missing}: ONNX model file not found");
        Assert.Throws<OpenCvException>(() => Net.ReadFromOnnx(corrupt)).Message.Should().StartWith($"{corrupt}: cannot load ONNX model: ");
        Assert.Throws<OpenCvException>(() => Net.ReadFromTensorflow(corrupt)).Message.Should().StartWith($"{corrupt}: cannot load TensorFlow model: ");
        Assert.Throws<OpenCvException>(() => Net.ReadFromCaffe(corrupt, null)).Message.Should().StartWith($"{corrupt}: cannot load Caffe model: ");
        Assert.Throws<OpenCvException>(() => Net.ReadFromOnnx(bytes)).Message.Should().StartWith("<bytes>: cannot load ONNX model: ");
    }

    [Fact]
    public void BlobFromImages_stacks_images_and_applies_mean_scale_and_swap()
    {
        using var a = new Mat(10, 20, MatType.U8C3, Scalar.Bgr(10, 20, 30));
        using var b = new Mat(40, 40, MatType.U8C3, Scalar.Bgr(110, 120, 130));

        using var blob = Dnn.BlobFromImages([a, b], 0.5, new Size(8, 6), new Scalar(10, 10, 10), swapRB: true);

        blob.Shape.Should().Equal(2, 3, 6, 8);
        var f = blob.GetFloats();
        f[0].Should().Be(10f);                   // image 0, channel R: (30 - 10) * 0.5
        f[2 * 48].Should().Be(0f);               // image 0, channel B: (10 - 10) * 0.5
        f[3 * 48].Should().Be(60f);              // image 1, channel R: (130 - 10) * 0.5
    }

    [Fact]
    public void NmsBoxes_keeps_the_best_of_overlapping_boxes()
    {
        Rect[] boxes = [new(0, 0, 100, 100), new(5, 5, 100, 100), new(300, 300, 50, 50), new(500, 0, 10, 10)];
        float[] scores = [0.8f, 0.9f, 0.7f, 0.2f];

        Dnn.NmsBoxes(boxes, scores, 0.5f, 0.4f).Should().Equal(1, 2);
        Dnn.NmsBoxes([], [], 0.5f, 0.4f).Should().BeEmpty();
    }

    /// <summary>Face boxes from a res10 output (rows of [image, class, score, x1, y1, x2, y2] in 0..1).</summary>
    internal static List<Rect> Faces(Mat output, float minScore, Size imageSize)
    {
        var values = output.GetFloats();
        var faces = new List<Rect>();
        for (var i = 0; i + 7 <= values.Length; i += 7)
        {
            if (values[i + 2] > minScore)
            {
                faces.Add(Rect.FromLTRB(
                    (int)(values[i + 3] * imageSize.Width), (int)(values[i + 4] * imageSize.Height),
                    (int)(values[i + 5] * imageSize.Width), (int)(values[i + 6] * imageSize.Height))
                    .Intersect(new Rect(0, 0, imageSize.Width, imageSize.Height)));
            }
        }

        return faces;
    }
}
