using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Faces;

public sealed class FaceCropperTests
{
    [Fact]
    public void Region_adds_the_margin_and_squares_around_the_centre()
    {
        var face = new Rect(100, 100, 50, 100);

        FaceCropper.Region(face, new FaceCropOptions { Margin = 0.2f, Square = true }).Should().Be(new Rect(55, 80, 140, 140));
        FaceCropper.Region(face, new FaceCropOptions { Margin = 0.2f, Square = false }).Should().Be(new Rect(90, 80, 70, 140));
        FaceCropper.Region(face, new FaceCropOptions { Margin = 0f, Square = false }).Should().Be(face);
    }

    [Fact]
    public void Crop_inside_the_image_is_a_plain_copy()
    {
        using var image = Gradient(100, 80);
        var face = new Rect(30, 20, 20, 20);

        using var crop = FaceCropper.Crop(image, face, new FaceCropOptions { Margin = 0.5f });

        crop.Size().Should().Be(new Size(40, 40));
        Pixel(crop, 0, 0).Should().Equal(Pixel(image, 20, 10));
        Pixel(crop, 39, 39).Should().Equal(Pixel(image, 59, 49));
    }

    [Fact]
    public void Crop_past_the_edge_replicates_the_border_and_keeps_the_framing()
    {
        using var image = Gradient(100, 80);
        var face = new Rect(0, 0, 40, 40); // region (-20, -20) 80x80

        using var crop = FaceCropper.Crop(image, face, new FaceCropOptions { Margin = 0.5f });

        crop.Size().Should().Be(new Size(80, 80));
        Pixel(crop, 0, 0).Should().Equal(Pixel(image, 0, 0));
        Pixel(crop, 5, 30).Should().Equal(Pixel(image, 0, 10));
        Pixel(crop, 30, 30).Should().Equal(Pixel(image, 10, 10), "the face stays where the margin puts it");
        Pixel(crop, 79, 79).Should().Equal(Pixel(image, 59, 59));
    }

    [Fact]
    public void Blank_margin_greys_everything_outside_the_face_box_and_keeps_the_face()
    {
        using var image = Gradient(100, 80);
        var face = new Rect(30, 20, 20, 20); // region (20, 10) 40x40, face at (10, 10) in the crop

        using var crop = FaceCropper.Crop(image, face, new FaceCropOptions { Margin = 0.5f, BlankMargin = true });

        crop.Size().Should().Be(new Size(40, 40));
        Pixel(crop, 0, 0).Should().Equal([128, 128, 128]);
        Pixel(crop, 9, 20).Should().Equal([128, 128, 128], "left of the face box");
        Pixel(crop, 30, 20).Should().Equal([128, 128, 128], "right of the face box");
        Pixel(crop, 20, 30).Should().Equal([128, 128, 128], "below the face box");
        Pixel(crop, 10, 10).Should().Equal(Pixel(image, 30, 20), "the face box's first pixel is kept");
        Pixel(crop, 29, 29).Should().Equal(Pixel(image, 49, 39), "the face box's last pixel is kept");
    }

    [Fact]
    public void Blank_margin_gives_the_same_crop_whatever_surrounds_the_face()
    {
        // The point of blanking: a face pasted into a scene and the same face as a tight crop
        // (whose margin is replicated border) must reach the head as the same pixels.
        using var face = Gradient(40, 40);
        using var scene = new Mat(200, 200, MatType.CV_8UC3, new Scalar(0, 0, 255));
        var bytes = scene.GetBytes();
        var src = face.GetBytes();
        for (int r = 0; r < 40; r++)
        {
            src.Slice(r * 120, 120).CopyTo(bytes.Slice(((80 + r) * 200 + 80) * 3, 120));
        }

        var options = new FaceCropOptions { Margin = 0.2f, BlankMargin = true };
        using var tight = FaceCropper.Crop(face, new Rect(0, 0, 40, 40), options);
        using var pasted = FaceCropper.Crop(scene, new Rect(80, 80, 40, 40), options);

        tight.GetBytes().SequenceEqual(pasted.GetBytes()).Should().BeTrue();
        using var keptTight = FaceCropper.Crop(face, new Rect(0, 0, 40, 40), options with { BlankMargin = false });
        using var keptPasted = FaceCropper.Crop(scene, new Rect(80, 80, 40, 40), options with { BlankMargin = false });
        keptTight.GetBytes().SequenceEqual(keptPasted.GetBytes()).Should().BeFalse("with the margin kept, the surroundings show");
    }

    [Fact]
    public void Cropping_into_a_reused_destination_gives_the_same_pixels_and_keeps_its_buffer()
    {
        // The detector's classify step crops every face of every frame into one scratch Mat.
        using var image = Gradient(100, 80);
        var options = new FaceCropOptions { Margin = 0.5f, BlankMargin = true };
        using var destination = new Mat();
        IntPtr? buffer = null;
        foreach (var face in new[] { new Rect(30, 20, 20, 20), new Rect(0, 0, 20, 20), new Rect(70, 50, 20, 20), new Rect(40, 30, 20, 20) })
        {
            using var expected = FaceCropper.Crop(image, face, options);

            FaceCropper.Crop(image, face, options, destination);

            destination.Size().Should().Be(expected.Size());
            destination.GetBytes().SequenceEqual(expected.GetBytes()).Should().BeTrue($"crop of {face.Describe()}");
            buffer ??= destination.Data;
            destination.Data.Should().Be(buffer.Value, "a crop of the same size reuses the destination's pixels");
        }
    }

    [Fact]
    public void A_box_outside_the_image_is_an_error_naming_it()
    {
        using var image = Gradient(100, 80);

        var act = () => FaceCropper.Crop(image, new Rect(500, 500, 10, 10), FaceCropOptions.Default);

        act.Should().Throw<ArgumentException>().WithMessage("face box (500,500 10x10) lies outside the 100x80 image*");
    }

    /// <summary>Pixel (x, y) = B x, G y, R (x + y) mod 256: every position distinguishable.</summary>
    internal static Mat Gradient(int width, int height)
    {
        var bytes = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                bytes[i] = (byte)x;
                bytes[i + 1] = (byte)y;
                bytes[i + 2] = (byte)(x + y);
            }
        }

        return MatExtensions.FromPixels(bytes, height, width, MatType.CV_8UC3);
    }

    internal static byte[] Pixel(Mat image, int x, int y) => image.GetBytes().Slice((y * image.Cols + x) * 3, 3).ToArray();
}
