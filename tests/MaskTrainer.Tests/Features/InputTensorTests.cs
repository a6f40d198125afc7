using MaskTrainer.Features;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Tests.Features;

public sealed class InputTensorTests
{
    // A 2x2 BGR image; pixel (row, col) = (b, g, r).
    private static Mat TwoByTwo() => MatExtensions.FromPixels(
        [
            10, 20, 30, /**/ 40, 50, 60,
            70, 80, 90, /**/ 100, 110, 120,
        ], 2, 2, MatType.CV_8UC3);

    [Fact]
    public void Nchw_rgb_applies_mean_scale_and_std_per_channel_in_planes()
    {
        var p = new Preprocessing(2, 2, ChannelOrder.Rgb, [100, 50, 10], 0.5f, TensorLayout.Nchw, [2, 4, 5]);
        using var image = TwoByTwo();
        var tensor = new float[12];

        InputTensor.Write(image, p, tensor);

        // R plane: (r - 100) * 0.5 / 2 for r = 30, 60, 90, 120
        tensor[0..4].Should().Equal(-17.5f, -10f, -2.5f, 5f);
        // G plane: (g - 50) * 0.5 / 4 for g = 20, 50, 80, 110
        tensor[4..8].Should().Equal(-3.75f, 0f, 3.75f, 7.5f);
        // B plane: (b - 10) * 0.5 / 5 for b = 10, 40, 70, 100
        tensor[8..12].Should().Equal(0f, 3f, 6f, 9f);
        InputTensor.Shape(p, 3).Should().Equal(3, 3, 2, 2);
    }

    [Fact]
    public void Nhwc_bgr_interleaves_channels_per_pixel()
    {
        var p = new Preprocessing(2, 2, ChannelOrder.Bgr, [10, 20, 30], 0.1f, TensorLayout.Nhwc);
        using var image = TwoByTwo();
        var tensor = new float[12];

        InputTensor.Write(image, p, tensor);

        // pixel (1, 0) = b 70, g 80, r 90 at offset 2 * 3: (70 - 10) * 0.1, (80 - 20) * 0.1, (90 - 30) * 0.1
        tensor[6].Should().BeApproximately(6f, 1e-5f);
        tensor[7].Should().BeApproximately(6f, 1e-5f);
        tensor[8].Should().BeApproximately(6f, 1e-5f);
        tensor[0..3].Should().Equal(0f, 0f, 0f);
        tensor[9].Should().BeApproximately(9f, 1e-5f); // (100 - 10) * 0.1
        InputTensor.Shape(p, 1).Should().Equal(1, 2, 2, 3);
    }

    [Fact]
    public void Resizing_is_bilinear_and_the_tensor_matches_OpenCVs_blobFromImage()
    {
        var pixels = new byte[7 * 5 * 3];
        new Random(3).NextBytes(pixels);
        using var image = MatExtensions.FromPixels(pixels, 5, 7, MatType.CV_8UC3);
        var p = new Preprocessing(4, 3, ChannelOrder.Rgb, [120, 110, 100], 1 / 64f, TensorLayout.Nchw);
        var tensor = new float[InputTensor.ElementsPerImage(p)];
        using var scratch = new Mat();

        InputTensor.Write(image, p, tensor, scratch);

        // The resize is cv::resize, bilinear, on the 8-bit image: the same tensor from a copy resized beforehand.
        using var resized = new Mat();
        Cv2.Resize(image, resized, new Size(4, 3), interpolation: InterpolationFlags.Linear);
        var fromResized = new float[tensor.Length];
        InputTensor.Write(resized, p, fromResized);
        fromResized.Should().Equal(tensor);

        // Channel order, mean, scale and layout as OpenCV's blobFromImage does them. It gets the image
        // already resized and in RGB: OpenCV 4.13's blobFromImage resizes differently from cv::resize
        // (up to 3 levels on this image) and no longer swaps the mean with swapRB, unlike 4.6.
        using var rgb = new Mat();
        Cv2.CvtColor(resized, rgb, ColorConversionCodes.BGR2RGB);
        using var blob = CvDnn.BlobFromImage(rgb, 1 / 64.0, new Size(4, 3), new Scalar(120, 110, 100), swapRB: false);

        new[] { blob.Size(0), blob.Size(1), blob.Size(2), blob.Size(3) }.Should().Equal(1, 3, 3, 4);
        var expected = blob.GetFloats().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            tensor[i].Should().BeApproximately(expected[i], 1e-5f, $"element {i}");
        }
    }

    [Fact]
    public void Grey_images_are_treated_as_three_equal_channels()
    {
        using var grey = MatExtensions.FromPixels([0, 255, 128, 64], 2, 2, MatType.CV_8UC1);
        var p = new Preprocessing(2, 2, ChannelOrder.Rgb, [0, 0, 0], 1f, TensorLayout.Nchw);
        var tensor = new float[12];

        InputTensor.Write(grey, p, tensor);

        tensor[0..4].Should().Equal(0f, 255f, 128f, 64f);
        tensor[4..8].Should().Equal(tensor[0..4]);
        tensor[8..12].Should().Equal(tensor[0..4]);
    }

    [Fact]
    public void A_wrong_destination_size_is_refused()
    {
        using var image = TwoByTwo();
        var p = new Preprocessing(2, 2, ChannelOrder.Rgb, [0, 0, 0], 1f, TensorLayout.Nchw);

        var act = () => InputTensor.Write(image, p, new float[11]);

        act.Should().Throw<ArgumentException>().WithMessage("one 2x2 image needs 12 floats, the destination has 11*");
    }

    [Fact]
    public void WritePixels_gives_raw_planes_in_the_graphs_order_and_resizes_like_Write()
    {
        using var image = TwoByTwo();
        var rgb = new float[12];
        var bgr = new float[12];

        InputTensor.WritePixels(image, Graph(2, 2, ChannelOrder.Rgb), rgb);
        InputTensor.WritePixels(image, Graph(2, 2, ChannelOrder.Bgr), bgr);

        rgb.Should().Equal(30, 60, 90, 120, 20, 50, 80, 110, 10, 40, 70, 100);
        bgr.Should().Equal(10, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120);

        // Resized exactly as Write resizes: Write with mean 0 and scale 1 is the same tensor.
        var pixels = new byte[9 * 7 * 3];
        new Random(5).NextBytes(pixels);
        using var odd = MatExtensions.FromPixels(pixels, 7, 9, MatType.CV_8UC3);
        var raw = new float[3 * 4 * 3];
        var written = new float[raw.Length];
        InputTensor.WritePixels(odd, Graph(4, 3, ChannelOrder.Rgb), raw);
        InputTensor.Write(odd, new Preprocessing(4, 3, ChannelOrder.Rgb, [0, 0, 0], 1, TensorLayout.Nchw), written);
        raw.Should().Equal(written);
    }

    [Fact]
    public void WritePixels_reads_a_region_view_already_at_the_input_size()
    {
        using var big = new Mat(4, 4, MatType.CV_8UC3, new Scalar(1, 2, 3));
        big.Set(1, 1, new Vec3b(7, 8, 9));
        using var region = new Mat(big, new Rect(1, 1, 2, 2));
        var planes = new float[12];

        InputTensor.WritePixels(region, Graph(2, 2, ChannelOrder.Bgr), planes);

        planes.Should().Equal(7, 1, 1, 1, 8, 2, 2, 2, 9, 3, 3, 3);
    }

    [Theory]
    [InlineData(1, 9, 7)]
    [InlineData(3, 9, 7)]
    [InlineData(4, 9, 7)]
    [InlineData(3, 4, 3)]
    public void ResizeForInput_gives_the_BGR_image_WritePixels_reads(int channels, int width, int height)
    {
        var pixels = new byte[width * height * channels];
        new Random(channels).NextBytes(pixels);
        using var image = MatExtensions.FromPixels(pixels, height, width, MatType.CV_8UC(channels));
        var graph = Graph(4, 3, ChannelOrder.Rgb);
        var direct = new float[36];
        var viaResized = new float[36];

        using var resized = InputTensor.ResizeForInput(image, 4, 3);
        InputTensor.WritePixels(image, graph, direct);
        InputTensor.WritePixels(resized, graph, viaResized);

        (resized.Cols, resized.Rows, resized.Type()).Should().Be((4, 3, MatType.CV_8UC3));
        resized.Should().NotBeSameAs(image);
        viaResized.Should().Equal(direct);
    }

    [Fact]
    public void Write_refuses_a_preprocessing_done_by_a_graph()
    {
        using var image = TwoByTwo();
        var p = new Preprocessing(2, 2, ChannelOrder.Rgb, [0, 0, 0], 1f, TensorLayout.Nchw) { Model = "prep.onnx" };

        FluentActions.Invoking(() => InputTensor.Write(image, p, new float[12]))
            .Should().Throw<ArgumentException>().WithMessage("the preprocessing is done by the graph prep.onnx*");
    }

    private static PixelGraph Graph(int width, int height, ChannelOrder order) =>
        new("unused.onnx", PixelGraph.PixelsName, PixelGraph.FeaturesName, width, height, order, 1, [1], "0");
}
