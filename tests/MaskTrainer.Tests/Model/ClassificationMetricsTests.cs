using MaskTrainer.Model;
using MaskTrainer.Data;

namespace MaskTrainer.Tests.Model;

public sealed class ClassificationMetricsTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Compute_BinaryCase_MatchesHandComputedValues()
    {
        int[] truth = [0, 0, 1, 1];
        float[] p = [0.9f, 0.1f, 0.4f, 0.6f, 0.35f, 0.65f, 0.2f, 0.8f];

        var m = ClassificationMetrics.Compute(["a", "b"], truth, p);

        m.Count.Should().Be(4);
        m.ConfusionMatrix.Select(r => r.ToArray()).Should().BeEquivalentTo(new[] { new[] { 1, 1 }, new[] { 0, 2 } }, o => o.WithStrictOrdering());
        m.Accuracy.Should().Be(0.75);
        m.MacroAccuracy.Should().Be(0.75);
        double logLoss = -(Math.Log(0.9f) + Math.Log(0.4f) + Math.Log(0.65f) + Math.Log(0.8f)) / 4;
        m.LogLoss.Should().BeApproximately(logLoss, Tolerance);
        m.LogLossReduction.Should().BeApproximately((Math.Log(2) - logLoss) / Math.Log(2), Tolerance);
        m.Auc.Should().Be(1.0);
        m.PerClass.Keys.Should().Equal("a", "b");
        m.PerClass["a"].Should().Be(new ClassMetrics(1.0, 0.5, 2.0 / 3.0, 2));
        m.PerClass["b"].Precision.Should().BeApproximately(2.0 / 3.0, Tolerance);
        m.PerClass["b"].Recall.Should().Be(1.0);
        m.PerClass["b"].F1.Should().BeApproximately(0.8, Tolerance);
        m.PerClass["b"].Support.Should().Be(2);
        m.MacroF1.Should().BeApproximately((2.0 / 3.0 + 0.8) / 2, Tolerance);
    }

    [Fact]
    public void Compute_AucCountsTiedScoresAsHalf()
    {
        // Positive scores {0.5, 0.9}, negative {0.5, 0.5}: pairs 0.5/0.5 tie twice (1), 0.9 wins twice (2) -> 3/4.
        int[] truth = [0, 1, 0, 1];
        float[] p = [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.1f, 0.9f];

        var m = ClassificationMetrics.Compute(["neg", "pos"], truth, p);

        m.Auc.Should().Be(0.75);
        m.ConfusionMatrix[0].Should().Equal(2, 0); // ties go to the first class
        m.ConfusionMatrix[1].Should().Equal(1, 1);
    }

    [Fact]
    public void Compute_AucEqualsPairwiseDefinitionWithManyTies()
    {
        var random = new Random(5);
        int n = 300;
        var truth = new int[n];
        var p = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            truth[i] = random.Next(2);
            float score = MathF.Round((float)(random.NextDouble() * 0.5 + truth[i] * 0.3), 1); // coarse: many ties
            p[i * 2 + 1] = score;
            p[i * 2] = 1 - score;
        }

        double wins = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (truth[i] == 1 && truth[j] == 0)
                {
                    pairs++;
                    float si = p[i * 2 + 1], sj = p[j * 2 + 1];
                    wins += si > sj ? 1 : si == sj ? 0.5 : 0;
                }
            }
        }

        var m = ClassificationMetrics.Compute(["a", "b"], truth, p);

        m.Auc.Should().BeApproximately(wins / pairs, Tolerance);
    }

    [Fact]
    public void Compute_MultiClass_MacroAccuracyIgnoresClassesWithoutExamples()
    {
        int[] truth = [0, 0, 0, 1];
        float[] p =
        [
            0.7f, 0.2f, 0.1f,
            0.6f, 0.3f, 0.1f,
            0.3f, 0.5f, 0.2f,
            0.1f, 0.2f, 0.7f,
        ];

        var m = ClassificationMetrics.Compute(["x", "y", "z"], truth, p);

        m.Accuracy.Should().Be(0.5);
        m.MacroAccuracy.Should().BeApproximately((2.0 / 3.0 + 0) / 2, Tolerance, "z has no examples, as in ML.NET");
        m.Auc.Should().BeNull("AUC is only defined here for two classes");
        m.PerClass["x"].Should().Be(new ClassMetrics(1.0, 2.0 / 3.0, 0.8, 3));
        m.PerClass["y"].Should().Be(new ClassMetrics(0, 0, 0, 1), "y was predicted once, wrongly: precision 0, F1 0");
        m.PerClass["z"].Should().Be(new ClassMetrics(0, 0, 0, 0), "z was predicted once but has no examples");
        m.MacroF1.Should().BeApproximately(0.8 / 2, Tolerance, "z has no examples: the macro averages are over x and y, as the macro accuracy");
        m.MacroPrecision.Should().BeApproximately(1.0 / 2, Tolerance);
        m.MacroRecall.Should().BeApproximately(m.MacroAccuracy, Tolerance);
        double logLoss = -(Math.Log(0.7f) + Math.Log(0.6f) + Math.Log(0.3f) + Math.Log(0.2f)) / 4;
        double prior = -(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25));
        m.LogLoss.Should().BeApproximately(logLoss, Tolerance);
        m.LogLossReduction.Should().BeApproximately((prior - logLoss) / prior, Tolerance);
    }

    [Fact]
    public void A_head_that_calls_every_image_one_class_at_even_odds_is_no_better_than_chance()
    {
        // The fr-pose Relu_202 run: 64 x 50,176 features, every test image called with_mask at about 0.5.
        int[] truth = [0, 0, 0, 1, 1, 1];
        float[] even = [0.51f, 0.49f, 0.5f, 0.5f, 0.52f, 0.48f, 0.5f, 0.5f, 0.51f, 0.49f, 0.5f, 0.5f];
        var chance = ClassificationMetrics.Compute(["with_mask", "without_mask"], truth, even);

        chance.LogLoss.Should().BeApproximately(Math.Log(2), 0.01);
        chance.NoBetterThanChance.Should().BeTrue();

        float[] good = [0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f, 0.2f, 0.8f, 0.1f, 0.9f, 0.4f, 0.6f];
        ClassificationMetrics.Compute(["with_mask", "without_mask"], truth, good).NoBetterThanChance.Should().BeFalse();

        // Accurate but overconfident (one sure mistake): a poor log-loss alone is not chance.
        float[] overconfident = [1f, 0f, 1f, 0f, 0f, 1f, 0f, 1f, 0f, 1f, 0f, 1f];
        var sure = ClassificationMetrics.Compute(["with_mask", "without_mask"], truth, overconfident);
        sure.LogLossReduction.Should().BeLessThan(0);
        sure.NoBetterThanChance.Should().BeFalse();

        // One class only (an evaluation folder): nothing to compare with.
        ClassificationMetrics.Compute(["with_mask", "without_mask"], [0, 0], [0.5f, 0.5f, 0.5f, 0.5f]).NoBetterThanChance.Should().BeFalse();
    }

    [Fact]
    public void Compute_ClipsZeroProbabilityTo1e15()
    {
        var m = ClassificationMetrics.Compute(["a", "b"], [0, 1], [0f, 1f, 1f, 0f]);

        m.LogLoss.Should().BeApproximately(-Math.Log(1e-15), 1e-6, "ML.NET clips p at 1e-15 (its sum is accumulated in a different order)");
        m.Accuracy.Should().Be(0);
        m.LogLossReduction.Should().BeLessThan(0, "worse than predicting the class frequencies");
        m.Auc.Should().Be(0);
    }

    [Fact]
    public void Compute_SingleClassPresent_HasNoReductionAndNoAuc()
    {
        var m = ClassificationMetrics.Compute(["a", "b"], [0, 0], [0.8f, 0.2f, 0.6f, 0.4f]);

        m.LogLossReduction.Should().BeNull("the prior of one class is 0: there is nothing to reduce");
        m.Auc.Should().BeNull();
        m.MacroAccuracy.Should().Be(1);
        m.PerClass["b"].Should().Be(new ClassMetrics(0, 0, 0, 0));
    }

    [Fact]
    public void Compute_IsImmutable()
    {
        var m = ClassificationMetrics.Compute(["a", "b"], [0, 1], [0.8f, 0.2f, 0.3f, 0.7f]);
        var copy = m.ToConfusionArray();
        copy[0][0] = 99;

        m.ConfusionMatrix[0][0].Should().Be(1);
        m.ConfusionMatrix.Should().NotBeAssignableTo<int[][]>();
        m.ConfusionMatrix[0].Should().NotBeAssignableTo<int[]>();
        FluentActions.Invoking(() => ((IDictionary<string, ClassMetrics>)m.PerClass)["a"] = new ClassMetrics(0, 0, 0, 0))
            .Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void Compute_RejectsBadInput()
    {
        FluentActions.Invoking(() => ClassificationMetrics.Compute(["a", "b"], [0, 1], [0.5f, 0.5f]))
            .Should().Throw<ArgumentException>().WithMessage("probabilities has 2 values; expected 2 examples x 2 classes = 4*");
        FluentActions.Invoking(() => ClassificationMetrics.Compute(["a", "b"], [0, 2], [0.5f, 0.5f, 0.5f, 0.5f]))
            .Should().Throw<ArgumentException>().WithMessage("true label of example 1 is 2, outside 0..1*");
        FluentActions.Invoking(() => ClassificationMetrics.Compute(["a", "b"], [0], [float.NaN, 0.5f]))
            .Should().Throw<ArgumentException>().WithMessage("probability 0 of example 0 is NaN*");
        FluentActions.Invoking(() => ClassificationMetrics.Compute(["a", "a"], [0], [0.5f, 0.5f]))
            .Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ClassificationMetrics.Compute(["a", "b"], [], []))
            .Should().Throw<ArgumentException>().WithMessage("no examples to evaluate*");
    }
}
