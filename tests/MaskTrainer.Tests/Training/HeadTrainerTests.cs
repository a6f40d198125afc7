using MaskTrainer.Training;

namespace MaskTrainer.Tests.Training;

public sealed class HeadTrainerTests
{
    public static TheoryData<HeadKind, OptimizerKind> AllHeads => new()
    {
        { HeadKind.SoftmaxRegression, OptimizerKind.Adam },
        { HeadKind.SoftmaxRegression, OptimizerKind.Lbfgs },
        { HeadKind.Mlp, OptimizerKind.Adam },
        { HeadKind.Mlp, OptimizerKind.Lbfgs },
    };

    [Theory]
    [MemberData(nameof(AllHeads))]
    public void Train_SeparableData_ReachesFullAccuracy(HeadKind kind, OptimizerKind optimizer)
    {
        var train = SyntheticFeatures.Blobs(240, 16, 3, separation: 6, seed: 1);
        var validation = SyntheticFeatures.Blobs(90, 16, 3, separation: 6, seed: 2);
        var options = new HeadOptions { Kind = kind, Optimizer = optimizer, HiddenUnits = 16, LearningRate = 1e-2, MaxEpochs = 60 };

        var result = HeadTrainer.Train(train, validation, options);

        SyntheticFeatures.Accuracy(result.Head, train).Should().Be(1.0);
        SyntheticFeatures.Accuracy(result.Head, validation).Should().Be(1.0);
        result.Head.Kind.Should().Be(kind);
        result.Head.InputSize.Should().Be(16);
        result.Head.ClassCount.Should().Be(3);
        result.History.Should().NotBeEmpty();
        result.History.Select(h => h.Epoch).Should().Equal(Enumerable.Range(1, result.History.Count));
        result.History[result.BestEpoch - 1].ValidationAccuracy.Should().Be(1.0);
    }

    [Fact]
    public void Train_Mlp_LearnsXorWhichSoftmaxRegressionCannot()
    {
        var train = SyntheticFeatures.Xor(400, seed: 1);
        var test = SyntheticFeatures.Xor(400, seed: 2);

        var mlp = HeadTrainer.Train(train, null, new HeadOptions { Kind = HeadKind.Mlp, HiddenUnits = 16, LearningRate = 1e-2, Dropout = 0, MaxEpochs = 150 });
        var linear = HeadTrainer.Train(train, null, new HeadOptions { Kind = HeadKind.SoftmaxRegression, LearningRate = 1e-2, MaxEpochs = 150 });

        SyntheticFeatures.Accuracy(mlp.Head, test).Should().BeGreaterThan(0.95);
        SyntheticFeatures.Accuracy(linear.Head, test).Should().BeLessThan(0.7);
    }

    [Theory]
    [MemberData(nameof(AllHeads))]
    public void Train_SameSeed_GivesBitwiseIdenticalWeights(HeadKind kind, OptimizerKind optimizer)
    {
        var train = SyntheticFeatures.Blobs(200, 24, 2, separation: 1.5, seed: 3);
        var validation = SyntheticFeatures.Blobs(60, 24, 2, separation: 1.5, seed: 4);
        var options = new HeadOptions { Kind = kind, Optimizer = optimizer, HiddenUnits = 32, Dropout = 0.3, MaxEpochs = 15, Seed = 11 };

        var a = HeadTrainer.Train(train, validation, options);
        var b = HeadTrainer.Train(train, validation, options);

        SyntheticFeatures.Bits(b.Head).Should().Equal(SyntheticFeatures.Bits(a.Head));
        b.History.Select(h => h.ValidationLoss).Should().Equal(a.History.Select(h => h.ValidationLoss));
        b.BestEpoch.Should().Be(a.BestEpoch);
    }

    [Theory]
    [InlineData(HeadKind.Mlp)]
    [InlineData(HeadKind.SoftmaxRegression)]
    public void Train_DifferentSeed_GivesDifferentWeights(HeadKind kind)
    {
        // MLP: seed drives initialisation, shuffling and dropout; softmax regression: shuffling.
        var train = SyntheticFeatures.Blobs(200, 24, 2, separation: 1.5, seed: 3);
        var options = new HeadOptions { Kind = kind, HiddenUnits = 32, Dropout = 0.3, MaxEpochs = 5 };

        var a = HeadTrainer.Train(train, null, options with { Seed = 1 });
        var b = HeadTrainer.Train(train, null, options with { Seed = 2 });

        SyntheticFeatures.Bits(b.Head).Should().NotEqual(SyntheticFeatures.Bits(a.Head));
    }

    [Fact]
    public void Train_EarlyStopping_StopsAndRestoresTheBestEpoch()
    {
        // Labels are noise: validation loss can only get worse once the head starts memorising.
        var train = SyntheticFeatures.Noise(60, 40, seed: 5);
        var validation = SyntheticFeatures.Noise(200, 40, seed: 6);
        var options = new HeadOptions { LearningRate = 0.05, MaxEpochs = 200, EarlyStoppingPatience = 5, EarlyStoppingMinDelta = 0, L2 = 0 };

        var result = HeadTrainer.Train(train, validation, options);

        result.StopReason.Should().Be(StopReason.EarlyStopping);
        result.History.Should().HaveCount(result.BestEpoch + 5);
        var losses = result.History.Select(h => h.ValidationLoss!.Value).ToList();
        result.BestEpoch.Should().Be(losses.IndexOf(losses.Min()) + 1);
        SyntheticFeatures.LogLoss(result.Head, validation).Should().BeApproximately(losses.Min(), 1e-5, "the best epoch's weights are returned, not the last");
        losses[^1].Should().BeGreaterThan(losses.Min());
    }

    [Fact]
    public void Train_WithoutValidation_RunsTheFullBudgetAndKeepsTheLastWeights()
    {
        var train = SyntheticFeatures.Blobs(60, 8, 2, separation: 2, seed: 7);

        var result = HeadTrainer.Train(train, null, new HeadOptions { MaxEpochs = 12 });

        result.StopReason.Should().Be(StopReason.MaxEpochs);
        result.History.Should().HaveCount(12);
        result.BestEpoch.Should().Be(12);
        result.History.Should().OnlyContain(h => h.ValidationLoss == null && h.ValidationAccuracy == null);
        SyntheticFeatures.LogLoss(result.Head, train).Should().BeApproximately(result.History[^1].TrainLoss, 1e-5);
    }

    [Fact]
    public void Train_BalancedClassWeights_RaiseMinorityRecall()
    {
        // 300 vs 30, overlapping classes; the test set is balanced.
        var train = SyntheticFeatures.Blobs(330, 8, 2, separation: 1.2, seed: 8, classSizes: [300, 30]);
        var test = SyntheticFeatures.Blobs(400, 8, 2, separation: 1.2, seed: 9);
        var options = new HeadOptions { MaxEpochs = 40, LearningRate = 1e-2 };

        var none = HeadTrainer.Train(train, null, options with { ClassWeighting = ClassWeighting.None });
        var balanced = HeadTrainer.Train(train, null, options with { ClassWeighting = ClassWeighting.Balanced });

        double recallNone = SyntheticFeatures.RecallOf(none.Head, test, 1);
        double recallBalanced = SyntheticFeatures.RecallOf(balanced.Head, test, 1);
        recallBalanced.Should().BeGreaterThan(recallNone + 0.15, $"balanced weighting should help the minority class (none {recallNone:F3}, balanced {recallBalanced:F3})");
    }

    [Fact]
    public void Train_Lbfgs_ConvergesOnAConvexProblem()
    {
        var train = SyntheticFeatures.Blobs(200, 10, 2, separation: 1.0, seed: 10);

        var result = HeadTrainer.Train(train, null, new HeadOptions { Optimizer = OptimizerKind.Lbfgs, MaxEpochs = 500, L2 = 1e-2 });

        result.StopReason.Should().Be(StopReason.Converged);
        result.History.Count.Should().BeLessThan(500);
        result.History[^1].TrainLoss.Should().BeLessThan(result.History[0].TrainLoss);
    }

    [Fact]
    public void Train_ReportsProgressAndTheLearningRateSchedule()
    {
        var train = SyntheticFeatures.Blobs(40, 4, 2, separation: 2, seed: 12);
        var reports = new List<EpochReport>();
        var progress = new SynchronousProgress(reports.Add);

        var cosine = HeadTrainer.Train(train, null, new HeadOptions { MaxEpochs = 4, LearningRate = 0.1 }, progress);
        var step = HeadTrainer.Train(train, null, new HeadOptions { MaxEpochs = 4, LearningRate = 0.1, Schedule = LearningRateSchedule.Step, StepDecayEpochs = 2, StepDecayFactor = 0.5 });

        reports.Should().Equal(cosine.History);
        cosine.History.Select(h => h.LearningRate).Should().BeEquivalentTo(
            new[] { 0.1, 0.1 * 0.5 * (1 + Math.Cos(Math.PI / 4)), 0.05, 0.1 * 0.5 * (1 + Math.Cos(3 * Math.PI / 4)) },
            o => o.WithStrictOrdering().Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());
        step.History.Select(h => h.LearningRate).Should().Equal(0.1, 0.1, 0.05, 0.05);
        cosine.History.Should().OnlyContain(h => h.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public void Train_StoresTheTrainingSetStandardizationInTheHead()
    {
        var x = new float[] { 1, 10, 3, 10, 5, 10, 7, 10 };
        var train = new FeatureSet(x, 4, 2, [0, 1, 0, 1], 2);

        var head = HeadTrainer.Train(train, null, new HeadOptions { MaxEpochs = 1 }).Head;

        var tensors = head.ToTensors().ToDictionary(t => t.Name);
        tensors[TrainedHead.MeanTensor].Data.Should().Equal(4f, 10f);
        tensors[TrainedHead.StdTensor].Data[0].Should().BeApproximately(MathF.Sqrt(5f), 1e-6f);
        tensors[TrainedHead.StdTensor].Data[1].Should().Be(1f, "a constant feature is not scaled");

        var raw = HeadTrainer.Train(train, null, new HeadOptions { MaxEpochs = 1, StandardizeFeatures = false }).Head.ToTensors().ToDictionary(t => t.Name);
        raw[TrainedHead.MeanTensor].Data.Should().Equal(0f, 0f);
        raw[TrainedHead.StdTensor].Data.Should().Equal(1f, 1f);
    }

    [Fact]
    public void Train_Cancelled_Throws()
    {
        var train = SyntheticFeatures.Blobs(40, 4, 2, separation: 2, seed: 12);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        FluentActions.Invoking(() => HeadTrainer.Train(train, null, null, null, cts.Token)).Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Train_RejectsInconsistentInput()
    {
        var train = SyntheticFeatures.Blobs(40, 4, 2, separation: 2, seed: 12);
        var otherDimension = SyntheticFeatures.Blobs(10, 5, 2, separation: 2, seed: 12);
        var missingClass = new FeatureSet(new float[8], 2, 4, [0, 0], 2);

        FluentActions.Invoking(() => HeadTrainer.Train(train, otherDimension))
            .Should().Throw<ArgumentException>().WithMessage("validation features are 5-D with 2 classes; training features are 4-D with 2*");
        FluentActions.Invoking(() => HeadTrainer.Train(missingClass, null))
            .Should().Throw<ArgumentException>().WithMessage("class 1 has no training rows*");
        FluentActions.Invoking(() => HeadTrainer.Train(train, null, new HeadOptions { Dropout = 1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("Dropout must be in [0, 1)*");
        FluentActions.Invoking(() => HeadTrainer.Train(train, null, new HeadOptions { LearningRate = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Train_Divergence_IsAClearError()
    {
        // Raw features and an absurd step: the logits overflow and the loss becomes NaN.
        var x = new float[] { 1000f, -1000f, -1000f, 1000f };
        var train = new FeatureSet(x, 2, 2, [0, 1], 2);
        var options = new HeadOptions { StandardizeFeatures = false, LearningRate = 1e36, MaxEpochs = 5, L2 = 0 };

        FluentActions.Invoking(() => HeadTrainer.Train(train, null, options))
            .Should().Throw<InvalidOperationException>().WithMessage("training diverged at epoch *; lower the learning rate*");
    }

    [Fact]
    public void FeatureSet_ValidatesItsShape()
    {
        FluentActions.Invoking(() => new FeatureSet(new float[7], 2, 4, [0, 1], 2))
            .Should().Throw<ArgumentException>().WithMessage("features has 7 values; expected rows x dimension = 2 x 4 = 8*");
        FluentActions.Invoking(() => new FeatureSet(new float[8], 2, 4, [0], 2))
            .Should().Throw<ArgumentException>().WithMessage("labels has 1 values; expected one per row (2)*");
        FluentActions.Invoking(() => new FeatureSet(new float[8], 2, 4, [0, 2], 2))
            .Should().Throw<ArgumentException>().WithMessage("label of row 1 is 2, outside 0..1*");
        var nan = new float[8];
        nan[5] = float.NaN;
        FluentActions.Invoking(() => new FeatureSet(nan, 2, 4, [0, 1], 2))
            .Should().Throw<ArgumentException>().WithMessage("feature 1 of row 1 is NaN; features must be finite*");
    }

    /// <summary>Unlike <see cref="Progress{T}"/>, reports on the calling thread, in order.</summary>
    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
