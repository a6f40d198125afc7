using MaskTrainer.Models;

namespace MaskTrainer.Tests.Models;

public sealed class PreprocessingTests
{
    [Fact]
    public void Affine_form_equals_mean_scale_std_formula()
    {
        var p = new Preprocessing(224, 224, ChannelOrder.Rgb, [123.675f, 116.28f, 103.53f], 1f / 255, TensorLayout.Nchw, [0.229f, 0.224f, 0.225f]);

        for (int c = 0; c < 3; c++)
        {
            var (multiplier, offset) = p.ChannelAffine(c);
            foreach (var pixel in new[] { 0f, 77f, 255f })
            {
                (pixel * multiplier + offset).Should().BeApproximately((pixel - p.Mean[c]) * p.Scale / p.Std![c], 1e-5f);
            }
        }

        p.Describe().Should().Be("224x224 RGB NCHW, (pixel - [123.675 116.28 103.53]) * 0.003921569 / [0.229 0.224 0.225]");
    }

    [Fact]
    public void Equality_compares_array_contents_and_inputs_are_copied()
    {
        float[] mean = [1, 2, 3];
        var a = new Preprocessing(8, 8, ChannelOrder.Bgr, mean, 1, TensorLayout.Nhwc);
        var b = new Preprocessing(8, 8, ChannelOrder.Bgr, [1, 2, 3], 1, TensorLayout.Nhwc);
        mean[0] = 99;

        a.Should().Be(b);
        a.Mean[0].Should().Be(1);
        a.Should().NotBe(new Preprocessing(8, 8, ChannelOrder.Bgr, [1, 2, 3], 1, TensorLayout.Nhwc, [1, 1, 1]));
    }

    [Fact]
    public void A_preprocessing_model_needs_an_identity_affine_part_and_counts_in_equality_and_description()
    {
        var raw = new Preprocessing(224, 224, ChannelOrder.Rgb, [0, 0, 0], 1, TensorLayout.Nchw);
        var withModel = raw with { Model = "prep.onnx" };

        withModel.Describe().Should().Be("224x224 RGB NCHW, model prep.onnx");
        withModel.Should().NotBe(raw);
        withModel.Should().Be(new Preprocessing(224, 224, ChannelOrder.Rgb, [0, 0, 0], 1, TensorLayout.Nchw) { Model = "prep.onnx" });
        withModel.ChannelAffine(1).Should().Be((1f, -0f));
        FluentActions.Invoking(() => new Preprocessing(8, 8, ChannelOrder.Rgb, [0, 0, 0], 0.5f, TensorLayout.Nchw) { Model = "prep.onnx" })
            .Should().Throw<ArgumentException>().WithMessage("preprocessing model 'prep.onnx' takes raw planar pixels*");
        FluentActions.Invoking(() => new Preprocessing(8, 8, ChannelOrder.Rgb, [0, 0, 0], 1, TensorLayout.Nhwc) { Model = "prep.onnx" })
            .Should().Throw<ArgumentException>().WithMessage("*layout NCHW*");
        FluentActions.Invoking(() => raw with { Model = "../prep.onnx" })
            .Should().Throw<ArgumentException>().WithMessage("preprocessing model '../prep.onnx' is not a plain file name*");
    }

    [Fact]
    public void Out_of_range_values_are_rejected()
    {
        FluentActions.Invoking(() => new Preprocessing(0, 8, ChannelOrder.Rgb, [0, 0, 0], 1, TensorLayout.Nchw)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new Preprocessing(8, 8, ChannelOrder.Rgb, [0, 0], 1, TensorLayout.Nchw)).Should().Throw<ArgumentException>().WithMessage("mean needs 3 values*");
        FluentActions.Invoking(() => new Preprocessing(8, 8, ChannelOrder.Rgb, [0, 0, 0], 0, TensorLayout.Nchw)).Should().Throw<ArgumentException>().WithMessage("scale must be*");
        FluentActions.Invoking(() => new Preprocessing(8, 8, ChannelOrder.Rgb, [0, 0, 0], 1, TensorLayout.Nchw, [1, 0, 1])).Should().Throw<ArgumentException>().WithMessage("std needs*");
        FluentActions.Invoking(() => new Preprocessing(8, 8, ChannelOrder.Rgb, [0, 0, 0], 1, TensorLayout.Nchw, [1, float.PositiveInfinity, 1])).Should().Throw<ArgumentException>().WithMessage("std needs*");
        FluentActions.Invoking(() => new Preprocessing(8, 8, ChannelOrder.Rgb, [float.NaN, 0, 0], 1, TensorLayout.Nchw)).Should().Throw<ArgumentException>().WithMessage("mean needs 3 finite values*");
    }
}
