using MaskTrainer.Imaging;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Tests.Imaging;

/// <summary>
/// res10 is a TensorFlow graph that OpenCV's DNN (OpenCvSharp 4.13) reads: the bench's seeds' loop
/// runs it there, and <c>Res10OnnxGraph</c> takes its priors from it when converting it to ONNX.
/// </summary>
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
        using var net = CvDnn.ReadNetFromTensorflow(ImagingTestData.Res10Model, ImagingTestData.Res10Config)!;
        using var image = ImageCodec.Read(ImagingTestData.FaceImage);
        using var blob = CvDnn.BlobFromImage(image, 1.0, new Size(300, 300), Res10Mean, swapRB: false, crop: false);

        net.SetInput(blob);
        using var output = net.Forward();

        output.Dims.Should().Be(4);
        output.Size(0).Should().Be(1);
        output.Size(3).Should().Be(7);
        var faces = Faces(output, 0.5f, image.Size());
        faces.Should().HaveCount(3);
        foreach (var face in faces)
        {
            new Rect(0, 0, image.Cols, image.Rows).Contains(face).Should().BeTrue();
        }
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
