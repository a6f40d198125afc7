using MaskTrainer.OpenCv;

namespace MaskTrainer.Tests.OpenCv;

public sealed class MatTests
{
    [Fact]
    public void New_mat_is_filled_and_reports_its_geometry()
    {
        using var mat = new Mat(3, 4, MatType.U8C3, Scalar.Bgr(1, 2, 3));

        mat.Rows.Should().Be(3);
        mat.Cols.Should().Be(4);
        mat.Channels.Should().Be(3);
        mat.Type.Should().Be(MatType.U8C3);
        mat.Size.Should().Be(new Size(4, 3));
        mat.Dims.Should().Be(2);
        mat.Shape.Should().Equal(3, 4);
        mat.Total.Should().Be(12);
        mat.IsEmpty.Should().BeFalse();
        mat.GetBytes()[..6].ToArray().Should().Equal(1, 2, 3, 1, 2, 3);
    }

    [Fact]
    public void Default_mat_is_empty_and_zeros_constructor_is_zero()
    {
        using var empty = new Mat();
        using var zeros = new Mat(2, 2, MatType.F32C1);

        empty.IsEmpty.Should().BeTrue();
        zeros.GetFloats().ToArray().Should().Equal(0f, 0f, 0f, 0f);
    }

    [Fact]
    public void FromFloats_builds_an_nd_blob_and_GetFloats_is_a_writable_view()
    {
        var data = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        using var blob = Mat.FromFloats(data, [1, 2, 3, 4]);

        blob.Dims.Should().Be(4);
        blob.Shape.Should().Equal(1, 2, 3, 4);
        blob.Total.Should().Be(24);
        blob.GetFloats().ToArray().Should().Equal(data);

        blob.GetFloats()[5] = 100f;
        using var copy = blob.Clone();
        copy.GetFloats()[5].Should().Be(100f);
    }

    [Fact]
    public void FromPixels_checks_the_length()
    {
        var act = () => Mat.FromPixels(new byte[10], 2, 2, MatType.U8C3);

        act.Should().Throw<ArgumentException>().WithMessage("2x2 U8C3 needs 12 bytes, got 10*");
    }

    [Fact]
    public void GetFloats_refuses_a_byte_mat()
    {
        using var mat = new Mat(2, 2, MatType.U8C1);

        var act = () => mat.GetFloats().Length;

        act.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Crop_is_a_deep_copy_of_the_region()
    {
        using var image = ImageDecodeTests.Gradient(20, 10);
        using var crop = image.Crop(new Rect(5, 2, 4, 3));

        crop.Size.Should().Be(new Size(4, 3));
        image.SetTo(Scalar.All(0));
        crop.GetBytes()[0].Should().Be((byte)(5 * 255 / 20));
    }

    [Fact]
    public void Crop_outside_throws_with_opencvs_message()
    {
        using var image = new Mat(10, 20, MatType.U8C3);

        var error = Assert.Throws<OpenCvException>(() => image.Crop(new Rect(15, 0, 10, 5)));

        error.Code.Should().Be(-215); // cv::Error::StsAssert
        error.Message.Should().StartWith("Crop (15,0 10x5) of a 20x10 Mat: (-215:Assertion failed)");
        error.Message.Should().Contain("roi.x + roi.width <= m.cols");
    }

    [Fact]
    public void Resize_of_an_empty_mat_throws_with_opencvs_message()
    {
        using var empty = new Mat();

        var error = Assert.Throws<OpenCvException>(() => Cv2.Resize(empty, new Size(10, 10)));

        error.Message.Should().Be("Resize to 10x10: (-215:Assertion failed) !ssize.empty() in function 'resize'");
    }

    [Fact]
    public void ConvertTo_scales_and_CopyTo_reuses_the_destination()
    {
        using var bytes = new Mat(2, 3, MatType.U8C3, Scalar.All(200));
        using var floats = bytes.ConvertTo(MatType.F32C3, 1 / 255.0);

        floats.Type.Should().Be(MatType.F32C3);
        floats.GetFloats()[0].Should().BeApproximately(200 / 255f, 1e-6f);

        using var dst = new Mat(2, 3, MatType.F32C3);
        var before = Address(dst.GetFloats());
        floats.CopyTo(dst);
        Address(dst.GetFloats()).Should().Be(before);
        dst.GetFloats().ToArray().Should().Equal(floats.GetFloats().ToArray());
    }

    [Fact]
    public void ConvertTo_refuses_another_channel_count()
    {
        using var bytes = new Mat(2, 2, MatType.U8C3);

        var act = () => bytes.ConvertTo(MatType.F32C1).Dispose();

        act.Should().Throw<OpenCvException>().WithMessage("ConvertTo F32C1: (-215:Assertion failed)*");
    }

    [Fact]
    public void Dispose_twice_is_fine_and_use_after_dispose_throws()
    {
        var mat = new Mat(2, 2, MatType.U8C1);
        mat.Dispose();
        mat.Dispose();

        var act = () => mat.Rows;

        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Version_and_threads_are_reported()
    {
        Cv2.Version.Should().StartWith("4.");
        Cv2.GetNumThreads().Should().BeGreaterThan(0);
    }

    [Fact]
    public void Rect_helpers()
    {
        var a = new Rect(0, 0, 10, 10);
        var b = Rect.FromLTRB(5, 5, 20, 8);

        b.Should().Be(new Rect(5, 5, 15, 3));
        a.Intersect(b).Should().Be(new Rect(5, 5, 5, 3));
        a.Intersect(new Rect(50, 50, 1, 1)).Should().Be(default(Rect));
        b.Right.Should().Be(20);
        b.Bottom.Should().Be(8);
        b.Area.Should().Be(45);
        Scalar.All(3).Should().Be(new Scalar(3, 3, 3, 3));
        Scalar.Bgr(1, 2, 3).Should().Be(new Scalar(1, 2, 3));
    }

    internal static unsafe nint Address(Span<float> span)
    {
        fixed (float* p = span)
        {
            return (nint)p;
        }
    }
}
