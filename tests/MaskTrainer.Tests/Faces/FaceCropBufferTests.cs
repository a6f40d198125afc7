using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;
using static MaskTrainer.Tests.Faces.FaceCropperTests;

namespace MaskTrainer.Tests.Faces;

public sealed class FaceCropBufferTests
{
    // Faces that shrink, grow past every earlier one, touch each edge and come back: the sizes a
    // face walking through a video gives the detector's classify step.
    private static readonly Rect[] Faces =
    [
        new(30, 20, 20, 20), new(40, 30, 10, 12), new(0, 0, 40, 40), new(60, 40, 40, 40),
        new(35, 25, 8, 8), new(10, 5, 70, 70), new(45, 35, 14, 14),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gives_FaceCropper_s_crop_for_every_face(bool blankMargin)
    {
        using var image = Gradient(100, 80);
        var options = new FaceCropOptions { Margin = 0.5f, BlankMargin = blankMargin };
        using var buffer = new FaceCropBuffer();
        foreach (var face in Faces)
        {
            using var expected = FaceCropper.Crop(image, face, options);

            var crop = buffer.Crop(image, face, options);

            crop.Size().Should().Be(expected.Size(), $"crop of {face.Describe()}");
            crop.Type().Should().Be(expected.Type());
            crop.IsContinuous().Should().BeTrue("ML.NET and the pixel loops read a crop as one block");
            crop.GetBytes().SequenceEqual(expected.GetBytes()).Should().BeTrue($"crop of {face.Describe()}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Sizes_the_buffer_by_the_image_s_element_size(int kind)
    {
        // Grey (1 byte a pixel) and float BGR (12 bytes): a buffer sized by channels alone would be short.
        using var bgr = Gradient(100, 80);
        using var image = new Mat();
        if (kind == 1)
        {
            Cv2.CvtColor(bgr, image, ColorConversionCodes.BGR2GRAY);
        }
        else
        {
            bgr.ConvertTo(image, MatType.CV_32FC3, 1 / 255.0);
        }

        var options = new FaceCropOptions { Margin = 0.5f };
        using var buffer = new FaceCropBuffer();
        foreach (var face in Faces)
        {
            using var expected = FaceCropper.Crop(image, face, options);

            var crop = buffer.Crop(image, face, options);

            crop.Type().Should().Be(image.Type());
            crop.Size().Should().Be(expected.Size());
            Cv2.Norm(crop, expected, NormTypes.INF).Should().Be(0, $"crop of {face.Describe()}");
        }
    }

    [Fact]
    public void Reuses_its_pixels_until_a_crop_is_larger_than_any_before()
    {
        using var image = Gradient(100, 80);
        var options = new FaceCropOptions { Margin = 0.5f };
        using var buffer = new FaceCropBuffer();

        var first = buffer.Crop(image, new Rect(30, 20, 20, 20), options).Data; // 40x40
        buffer.Crop(image, new Rect(40, 30, 10, 12), options).Data.Should().Be(first, "a smaller crop fits");
        buffer.Crop(image, new Rect(32, 22, 21, 21), options).Data.Should().Be(first, "within the headroom");
        var grown = buffer.Crop(image, new Rect(10, 5, 70, 70), options); // 140x140: grows

        grown.Size().Should().Be(new Size(140, 140));
        var pixels = grown.Data;
        buffer.Crop(image, new Rect(30, 20, 20, 20), options).Data.Should().Be(pixels, "it never shrinks");
        var header = buffer.Crop(image, new Rect(31, 21, 20, 20), options);
        buffer.Crop(image, new Rect(29, 19, 20, 20), options).Should().BeSameAs(header, "a crop of the same size reuses the Mat too");
    }
}
