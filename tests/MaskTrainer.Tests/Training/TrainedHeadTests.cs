using MaskTrainer.Training;

namespace MaskTrainer.Tests.Training;

public sealed class TrainedHeadTests
{
    [Theory]
    [InlineData(HeadKind.SoftmaxRegression)]
    [InlineData(HeadKind.Mlp)]
    public void Tensors_RoundTrip_GivesIdenticalPredictions(HeadKind kind)
    {
        var data = SyntheticFeatures.Blobs(90, 12, 3, separation: 2, seed: 1);
        var head = Train(kind, data);

        var restored = TrainedHead.FromTensors(kind, head.ToTensors());

        restored.Kind.Should().Be(kind);
        restored.InputSize.Should().Be(12);
        restored.ClassCount.Should().Be(3);
        restored.HiddenUnits.Should().Be(head.HiddenUnits);
        SyntheticFeatures.Bits(restored).Should().Equal(SyntheticFeatures.Bits(head));
        for (int i = 0; i < data.Rows; i++)
        {
            restored.Predict(data.Row(i)).Should().Equal(head.Predict(data.Row(i)));
        }
    }

    [Fact]
    public void ToTensors_NamesAndShapes()
    {
        var data = SyntheticFeatures.Blobs(30, 6, 2, separation: 2, seed: 1);

        var mlp = Train(HeadKind.Mlp, data).ToTensors();
        var softmax = Train(HeadKind.SoftmaxRegression, data).ToTensors();

        mlp.Select(t => $"{t.Name}[{string.Join(",", t.Shape)}]").Should().Equal(
            "input.mean[6]", "input.std[6]", "hidden.weight[5,6]", "hidden.bias[5]", "output.weight[2,5]", "output.bias[2]");
        softmax.Select(t => $"{t.Name}[{string.Join(",", t.Shape)}]").Should().Equal(
            "input.mean[6]", "input.std[6]", "output.weight[2,6]", "output.bias[2]");
        mlp.Should().OnlyContain(t => t.ElementCount == t.Data.Length);
    }

    [Fact]
    public void ToTensors_ReturnsCopies()
    {
        var data = SyntheticFeatures.Blobs(30, 6, 2, separation: 2, seed: 1);
        var head = Train(HeadKind.SoftmaxRegression, data);
        var before = head.Predict(data.Row(0));

        foreach (var t in head.ToTensors())
        {
            Array.Fill(t.Data, 1000f);
        }

        head.Predict(data.Row(0)).Should().Equal(before);
    }

    [Theory]
    [InlineData(HeadKind.SoftmaxRegression)]
    [InlineData(HeadKind.Mlp)]
    public void Predict_AllOverloadsAgreeBitwise(HeadKind kind)
    {
        var data = SyntheticFeatures.Blobs(70, 12, 3, separation: 2, seed: 2);
        var head = Train(kind, data);
        var batch = new float[data.Rows * 3];
        head.PredictBatch(data.Features.Span, data.Rows, batch);
        var scratch = new float[head.ScratchSize];
        var probabilities = new float[3];

        for (int i = 0; i < data.Rows; i++)
        {
            head.Predict(data.Row(i), probabilities, scratch);
            probabilities.Should().Equal(batch.AsSpan(i * 3, 3).ToArray());
            head.Predict(data.Row(i)).Should().Equal(probabilities);
            probabilities.Sum().Should().BeApproximately(1f, 1e-5f);
        }
    }

    [Fact]
    public void Predict_DoesNotAllocate()
    {
        var data = SyntheticFeatures.Blobs(30, 64, 2, separation: 2, seed: 1);
        var head = Train(HeadKind.Mlp, data);
        var probabilities = new float[2];
        var scratch = new float[head.ScratchSize];
        for (int i = 0; i < 100; i++)
        {
            head.Predict(data.Row(0), probabilities, scratch);
            head.Predict(data.Row(0), probabilities);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            head.Predict(data.Row(i % data.Rows), probabilities, scratch);
            head.Predict(data.Row(i % data.Rows), probabilities);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void Predict_IsThreadSafe()
    {
        var data = SyntheticFeatures.Blobs(200, 16, 2, separation: 2, seed: 3);
        var head = Train(HeadKind.Mlp, data);
        var expected = Enumerable.Range(0, data.Rows).Select(i => head.Predict(data.Row(i))).ToArray();

        Parallel.For(0, 8, _ =>
        {
            var p = new float[2];
            for (int i = 0; i < data.Rows; i++)
            {
                head.Predict(data.Row(i), p);
                p.Should().Equal(expected[i]);
            }
        });
    }

    [Fact]
    public void Predict_RejectsWrongSizes()
    {
        var head = Train(HeadKind.SoftmaxRegression, SyntheticFeatures.Blobs(30, 6, 2, separation: 2, seed: 1));

        FluentActions.Invoking(() => head.Predict(new float[5]))
            .Should().Throw<ArgumentException>().WithMessage("got 5 feature values; the head expects 6 per row*");
        FluentActions.Invoking(() => head.Predict(new float[6], new float[1]))
            .Should().Throw<ArgumentException>().WithMessage("probabilities has room for 1 values; need 2 per row*");
        FluentActions.Invoking(() => head.Predict(new float[6], new float[2], new float[3]))
            .Should().Throw<ArgumentException>().WithMessage("scratch has 3 floats; the head needs 6*");
    }

    [Fact]
    public void FromTensors_RejectsMissingUnexpectedAndMisshapedTensors()
    {
        var tensors = Train(HeadKind.Mlp, SyntheticFeatures.Blobs(30, 6, 2, separation: 2, seed: 1)).ToTensors();

        Invoking(HeadKind.Mlp, tensors.Where(t => t.Name != "hidden.bias"))
            .WithMessage("Mlp head: tensor 'hidden.bias' is missing");
        Invoking(HeadKind.SoftmaxRegression, tensors)
            .WithMessage("SoftmaxRegression head: unexpected tensor 'hidden.weight' (expected input.mean, input.std, output.weight, output.bias)");
        Invoking(HeadKind.Mlp, Replace(tensors, new NamedTensor("hidden.bias", [4], new float[4])))
            .WithMessage("Mlp head: tensor 'hidden.bias' has shape [4]; expected [5]");
        Invoking(HeadKind.Mlp, Replace(tensors, new NamedTensor("output.weight", [2, 4], new float[8])))
            .WithMessage("Mlp head: tensor 'output.weight' has shape [2, 4]; expected [2, 5]");
        Invoking(HeadKind.Mlp, Replace(tensors, new NamedTensor("input.mean", [7], new float[7])))
            .WithMessage("Mlp head: tensor 'input.mean' has shape [7]; expected [6]");
        Invoking(HeadKind.Mlp, Replace(tensors, new NamedTensor("input.mean", [6], new float[5])))
            .WithMessage("Mlp head: tensor 'input.mean' has shape [6] but 5 values");
        Invoking(HeadKind.Mlp, Replace(tensors, new NamedTensor("output.weight", [1, 5], new float[5])))
            .WithMessage("Mlp head: tensor 'output.weight' has shape [1, 5]; need at least 2 classes");
        Invoking(HeadKind.Mlp, Replace(tensors, new NamedTensor("input.std", [6], new float[6])))
            .WithMessage("Mlp head: tensor 'input.std' must be positive everywhere");
        Invoking(HeadKind.Mlp, Replace(tensors, new NamedTensor("output.bias", [2], [0f, float.NaN])))
            .WithMessage("Mlp head: tensor 'output.bias' holds a non-finite value (NaN)");
        Invoking(HeadKind.Mlp, tensors.Append(tensors[0]))
            .WithMessage("Mlp head: tensor 'input.mean' appears twice");
    }

    private static FluentAssertions.Specialized.ExceptionAssertions<InvalidDataException> Invoking(HeadKind kind, IEnumerable<NamedTensor> tensors) =>
        FluentActions.Invoking(() => TrainedHead.FromTensors(kind, tensors.ToList())).Should().Throw<InvalidDataException>();

    private static IEnumerable<NamedTensor> Replace(IReadOnlyList<NamedTensor> tensors, NamedTensor replacement) =>
        tensors.Select(t => t.Name == replacement.Name ? replacement : t);

    private static TrainedHead Train(HeadKind kind, FeatureSet data) =>
        HeadTrainer.Train(data, null, new HeadOptions { Kind = kind, HiddenUnits = 5, MaxEpochs = 5 }).Head;
}
