using System.Diagnostics;
using MaskTrainer.Data;
using MaskTrainer.Features;
using MaskTrainer.Model;
using Microsoft.ML;

namespace MaskTrainer.Tests.Model;

public sealed class MaskModelTrainingTests
{
    private static readonly string[] Labels = ["a", "b"];

    /// <summary>Rows of noise with random labels: no trainer converges on them before its iteration budget.</summary>
    private static IDataView Noise(MLContext ml, int rows, int dimension)
    {
        var random = new Random(3);
        var features = new float[rows * dimension];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)random.NextDouble();
        }

        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = random.Next(2);
        }

        var data = new FeaturizedData(features, dimension, labels, new int[rows], new int[rows], [], new FeaturizeStats(rows, 0, 0, 0, 0, TimeSpan.Zero));
        return FeatureDataView.Create(ml, data, Labels, balance: true);
    }

    [Fact]
    public void Cancelling_stops_the_fit_itself_not_only_the_run_after_it()
    {
        var ml = new MLContext(seed: 1);
        var train = Noise(ml, 4000, 64);
        // SDCA, the default trainer; L-BFGS gives up on noise within the 300 ms.
        var options = HeadOptions.Default with { Trainer = TrainerKind.SdcaMaximumEntropy, MaxIterations = 100_000, L2 = 1e-9f };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        var act = () => MaskModelTraining.FitHead(ml, train, null, Labels, options, cancellationToken: cts.Token);

        act.Should().Throw<OperationCanceledException>().Which.CancellationToken.Should().Be(cts.Token);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "100,000 iterations on noise take minutes; ML.NET stops within a pass once its context is cancelled");
        // The context was cancelled (ML.NET's CancelExecution), not just the token checked afterwards.
        FluentActions.Invoking(() => ml.Transforms.NormalizeMeanVariance(FeatureDataView.Features).Fit(train).Transform(train).Preview())
            .Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Auto_says_the_candidates_are_scored_on_the_training_rows_when_there_is_no_validation_set()
    {
        var ml = new MLContext(seed: 1);
        var train = Noise(ml, 200, 8);
        var log = new List<string>();

        var fit = MaskModelTraining.FitHead(ml, train, null, Labels, HeadOptions.Default with { Trainer = TrainerKind.Auto, MaxIterations = 5 }, log.Add);

        fit.Candidates.Should().HaveCount(3);
        log.Should().HaveCount(4);
        log.Take(3).Should().OnlyContain(l => l.Contains(": training log-loss ", StringComparison.Ordinal));
        // The last line names the trainer kept, the one with the lowest of the losses above.
        var best = fit.Candidates.MinBy(c => c.ValidationLogLoss)!;
        log[3].Should().Be(FormattableString.Invariant($"Kept {best.Trainer}: the lowest training log-loss ({best.ValidationLogLoss:0.0000})"));
        fit.Trainer.Should().Be(best.Trainer);
    }
}
