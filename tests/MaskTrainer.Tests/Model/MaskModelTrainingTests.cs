using System.Diagnostics;
using MaskTrainer.Data;
using MaskTrainer.Features;
using MaskTrainer.Model;
using MaskTrainer.Models;
using MaskTrainer.Tests.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

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

    [SharedFact("data/mask-sample", "models")]
    public void The_READMEs_BuildPipeline_call_fits_ModelInput_rows_of_real_images_weighing_the_classes()
    {
        // It failed: "Could not find weight column 'Weight'" (BalanceClasses is the default; images have no such column).
        using var store = FeaturesTestData.Store();
        using var featurizer = BackboneFeaturizer.Create(ModelCatalog.Default.Get(MaskTrainingOptions.DefaultBackbone), store);
        string[] labels = ["with_mask", "without_mask"];
        // Imbalanced on purpose: 9 masked faces, 3 bare ones.
        var files = Directory.GetFiles(SharedData.Full("data/mask-sample/with_mask")).Order(StringComparer.Ordinal).Take(9)
            .Concat(Directory.GetFiles(SharedData.Full("data/mask-sample/without_mask")).Order(StringComparer.Ordinal).Take(3)).ToArray();
        var test = Directory.GetFiles(SharedData.Full("data/mask-sample/without_mask")).Order(StringComparer.Ordinal).Skip(100).Take(4).ToArray();

        var balanced = Fit(HeadOptions.Default, weighted: false);
        var unbalanced = Fit(HeadOptions.Default with { BalanceClasses = false }, weighted: false);
        var givenWeights = Fit(HeadOptions.Default, weighted: true);

        balanced.Should().HaveCount(test.Length).And.OnlyContain(s => s.Length == 2 && Math.Abs(s[0] + s[1] - 1) < 1e-5);
        for (int i = 0; i < test.Length; i++)
        {
            // The weights computed at the fit are the ones training's FeatureDataView writes (BalancedWeights).
            balanced[i].Should().BeEquivalentTo(givenWeights[i], o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
        }

        // Weighed, the 3 bare faces count as much as the 9 masked ones: the minority class gains.
        balanced.Sum(s => s[1]).Should().BeGreaterThan(unbalanced.Sum(s => s[1]));

        float[][] Fit(HeadOptions options, bool weighted)
        {
            var ml = new MLContext(seed: 1);
            // New images per fit: ML.NET disposes an image it passes through (see BackboneEstimator).
            var rows = files.Select(f => new ModelInput { Label = Path.GetFileName(Path.GetDirectoryName(f))!, Image = MLImage.CreateFromFile(f) }).ToArray();
            rows.Should().OnlyContain(r => r.Image!.Width != 224 || r.Image.Height != 224, "images at the input size cannot be read twice (dotnet/machinelearning#7444)");
            IDataView data;
            if (weighted)
            {
                var weights = FeatureDataView.BalancedWeights(rows.Select(r => Array.IndexOf(labels, r.Label)).ToArray(), labels.Length);
                data = ml.Data.LoadFromEnumerable(rows.Select(r => new WeightedInput { Label = r.Label, Image = r.Image, Weight = weights[Array.IndexOf(labels, r.Label)] }));
            }
            else
            {
                data = ml.Data.LoadFromEnumerable(rows);
            }

            var model = MaskModelTraining.BuildPipeline(ml, featurizer.Graph, labels, options).Fit(data);
            using var engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
            var scores = new float[test.Length][];
            for (int i = 0; i < test.Length; i++)
            {
                using var image = MLImage.CreateFromFile(test[i]);
                scores[i] = engine.Predict(new ModelInput { Image = image }).Score;
            }

            foreach (var r in rows)
            {
                r.Image!.Dispose();
            }

            (model as IDisposable)?.Dispose();
            return scores;
        }
    }

    private sealed class WeightedInput
    {
        public string Label { get; set; } = "";

        [ImageType(ModelInput.DeclaredSize, ModelInput.DeclaredSize)]
        public MLImage? Image { get; set; }

        public float Weight { get; set; }
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
