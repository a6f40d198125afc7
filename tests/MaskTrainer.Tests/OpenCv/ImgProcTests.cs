using MaskTrainer.OpenCv;

namespace MaskTrainer.Tests.OpenCv;

public sealed class ImgProcTests
{
    [Fact]
    public void Resize_into_an_existing_destination_reuses_it()
    {
        using var src = ImageDecodeTests.Gradient(40, 20);
        using var dst = new Mat(10, 20, MatType.U8C3);
        var before = Address(dst.GetBytes());

        Cv2.Resize(src, dst, new Size(20, 10), Interpolation.Area);

        dst.Size.Should().Be(new Size(20, 10));
        Address(dst.GetBytes()).Should().Be(before);
        using var made = Cv2.Resize(src, new Size(7, 5), Interpolation.Nearest);
        made.Size.Should().Be(new Size(7, 5));
    }

    [Fact]
    public void Flip_horizontal_mirrors_and_rotation_by_180_equals_flip_both()
    {
        using var src = ImageDecodeTests.Gradient(9, 7);
        using var mirrored = new Mat();
        Cv2.Flip(src, mirrored, FlipMode.Horizontal);
        mirrored.GetBytes()[..3].ToArray().Should().Equal(src.GetBytes().Slice(8 * 3, 3).ToArray());

        using var both = new Mat();
        Cv2.Flip(src, both, FlipMode.Both);
        var m = Cv2.GetRotationMatrix2D(new Point2f(4, 3), 180, 1);
        m.Should().HaveCount(6);
        using var rotated = new Mat();
        Cv2.WarpAffine(src, rotated, m, src.Size, Interpolation.Nearest);
        rotated.GetBytes().SequenceEqual(both.GetBytes()).Should().BeTrue();
    }

    [Fact]
    public void WarpAffine_checks_the_matrix_length()
    {
        using var src = new Mat(4, 4, MatType.U8C1);
        using var dst = new Mat();

        var act = () => Cv2.WarpAffine(src, dst, new double[4], new Size(4, 4));

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void CvtColor_gray_and_back_and_rgb_swap()
    {
        using var bgr = new Mat(2, 2, MatType.U8C3, Scalar.Bgr(255, 0, 0));
        using var gray = new Mat();
        using var rgb = new Mat();
        using var back = new Mat();

        Cv2.CvtColor(bgr, gray, ColorConversion.BgrToGray);
        Cv2.CvtColor(bgr, rgb, ColorConversion.BgrToRgb);
        Cv2.CvtColor(gray, back, ColorConversion.GrayToBgr);

        gray.Type.Should().Be(MatType.U8C1);
        gray.GetBytes()[0].Should().Be(29); // 0.114 * 255
        rgb.GetBytes()[..3].ToArray().Should().Equal(0, 0, 255);
        back.Channels.Should().Be(3);
    }

    [Fact]
    public void CvtColor_with_the_wrong_channel_count_carries_opencvs_message()
    {
        using var gray = new Mat(2, 2, MatType.U8C1);
        using var dst = new Mat();

        var act = () => Cv2.CvtColor(gray, dst, ColorConversion.BgrToHsv);

        act.Should().Throw<OpenCvException>().WithMessage("CvtColor BgrToHsv: *Invalid number of channels in input image*");
    }

    [Fact]
    public void CopyMakeBorder_pads_with_the_value()
    {
        using var src = new Mat(2, 2, MatType.U8C1, new Scalar(9));
        using var dst = new Mat();

        Cv2.CopyMakeBorder(src, dst, 1, 2, 3, 4, BorderMode.Constant, new Scalar(5));

        dst.Size.Should().Be(new Size(9, 5));
        dst.GetBytes()[0].Should().Be(5);
        dst.GetBytes()[(1 * 9) + 3].Should().Be(9);
    }

    [Fact]
    public void Drawing_changes_the_expected_pixels()
    {
        using var img = new Mat(50, 80, MatType.U8C3);

        Cv2.Rectangle(img, new Rect(10, 10, 5, 5), Scalar.Bgr(0, 0, 255), -1);
        Pixel(img, 12, 12).Should().Equal(0, 0, 255);

        Cv2.FilledRectangle(img, new Rect(30, 0, 10, 10), Scalar.Bgr(200, 100, 50), 0.5);
        Pixel(img, 35, 5).Should().Equal(100, 50, 25);

        Cv2.FilledRectangle(img, new Rect(70, 40, 100, 100), Scalar.All(255), 1); // clipped, no throw
        Pixel(img, 79, 49).Should().Equal(255, 255, 255);

        Cv2.Circle(img, new Point(60, 20), 3, Scalar.Bgr(0, 255, 0), -1);
        Pixel(img, 60, 20).Should().Equal(0, 255, 0);

        Cv2.Line(img, new Point(0, 45), new Point(20, 45), Scalar.Bgr(255, 0, 0), 1);
        Pixel(img, 10, 45).Should().Equal(255, 0, 0);

        Cv2.FillPoly(img, [new Point(0, 25), new Point(8, 25), new Point(8, 33), new Point(0, 33)], Scalar.All(7), LineType.Line8);
        Pixel(img, 4, 29).Should().Equal(7, 7, 7);

        var size = Cv2.GetTextSize("Mask 97%", HersheyFont.Simplex, 0.5, 1, out var baseline);
        size.Width.Should().BeGreaterThan(40);
        size.Height.Should().BeGreaterThan(5);
        baseline.Should().BeGreaterThan(0);
        var before = img.GetBytes().ToArray();
        Cv2.PutText(img, "Mask 97%", new Point(2, 20), HersheyFont.Simplex, 0.5, Scalar.All(255));
        img.GetBytes().SequenceEqual(before).Should().BeFalse();
    }

    [Fact]
    public void AddWeighted_and_GaussianBlur()
    {
        using var a = new Mat(4, 4, MatType.U8C1, new Scalar(100));
        using var b = new Mat(4, 4, MatType.U8C1, new Scalar(200));
        using var dst = new Mat();

        Cv2.AddWeighted(a, 0.25, b, 0.75, 1, dst);
        dst.GetBytes()[0].Should().Be(176);

        using var noisy = ImageDecodeTests.Gradient(16, 16);
        using var blurred = new Mat();
        Cv2.GaussianBlur(noisy, blurred, new Size(5, 5), 1.5);
        blurred.Size.Should().Be(noisy.Size);

        var act = () => Cv2.GaussianBlur(noisy, blurred, new Size(4, 4), 1.5);
        act.Should().Throw<OpenCvException>().WithMessage("*ksize.width % 2 == 1*");
    }

    private static unsafe nint Address(Span<byte> span)
    {
        fixed (byte* p = span)
        {
            return (nint)p;
        }
    }

    private static byte[] Pixel(Mat img, int x, int y) => img.GetBytes().Slice(((y * img.Cols) + x) * 3, 3).ToArray();
}
