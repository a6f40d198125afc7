using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// Linear-probe study of candidate backbones on mask-sample: features of every image (cached in
/// a workspace, so reruns only train heads), then 5-fold stratified cross-validation of the
/// product's head — ML.NET's LbfgsMaximumEntropy behind MapValueToKey and NormalizeMeanVariance
/// (<see cref="MaskModelTraining.FitHead"/>) on views with <see cref="FeatureDataView"/>'s columns,
/// scored by <see cref="ClassificationMetrics.Evaluate"/>; identical files always share a fold. Prints accuracy
/// (mean ± sd over folds) and featurizing cost (ms per image, decode included, measured at the
/// end on a fixed subsample with no cache, all configurations round-robin) as a markdown table.
/// Args: --data folder (default ../shared/data/mask-sample), --workspace folder (default
/// &lt;temp&gt;/masktrainer-backbone-study), --folds K (5), --seed S (42), --timing-images N (48),
/// --only name[,name] (configurations whose name contains one of these), --no-timing (skip the
/// ms/image measurement, e.g. when only trying head settings), --trainer lbfgs|sdca|lightgbm, --l2 x,
/// --max-iterations n, --no-balance (head settings; defaults: <see cref="HeadOptions"/>' defaults).
/// </summary>
public static class BackboneStudy
{
    /// <summary>Runs the study on whole images.</summary>
    public static void Run(string[] args) => Run(args, faceCrop: null);

    /// <summary>Runs the study; with <paramref name="faceCrop"/>, every image is cropped to its face first.</summary>
    public static void Run(string[] args, FaceCropStage? faceCrop)
    {
        string data = BenchPaths.Option(args, "--data", BenchPaths.Shared("data/mask-sample"));
        string workspace = BenchPaths.Option(args, "--workspace", Path.Combine(Path.GetTempPath(), "masktrainer-backbone-study"));
        int folds = int.Parse(BenchPaths.Option(args, "--folds", "5"), CultureInfo.InvariantCulture);
        int seed = int.Parse(BenchPaths.Option(args, "--seed", "42"), CultureInfo.InvariantCulture);
        int timingImages = int.Parse(BenchPaths.Option(args, "--timing-images", "48"), CultureInfo.InvariantCulture);
        string[] only = BenchPaths.Option(args, "--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        bool timing = !BenchPaths.Flag(args, "--no-timing");
        var head = new HeadOptions
        {
            Trainer = BenchPaths.Option(args, "--trainer", "lbfgs").ToLowerInvariant() switch
            {
                "lbfgs" => TrainerKind.LbfgsMaximumEntropy,
                "sdca" => TrainerKind.SdcaMaximumEntropy,
                "lightgbm" => TrainerKind.LightGbm,
                var other => throw new ArgumentException($"--trainer {other}: expected lbfgs, sdca or lightgbm"),
            },
            L2 = float.Parse(BenchPaths.Option(args, "--l2", HeadOptions.Default.L2.ToString("R", CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
            MaxIterations = int.Parse(BenchPaths.Option(args, "--max-iterations", HeadOptions.Default.MaxIterations.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
            BalanceClasses = !BenchPaths.Flag(args, "--no-balance"),
            Seed = seed,
        };

        var dataset = ImageFolderDataset.Load(data);
        var examples = dataset.Examples;
        var foldOf = StratifiedGroupFolds(examples, folds, seed);
        var cache = new BottleneckCache(workspace);
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        var timingSet = Enumerable.Range(0, timingImages).Select(i => examples[i * examples.Count / timingImages]).ToArray();
        Console.WriteLine($"Backbone study: {examples.Count} images of {data} ({string.Join(", ", dataset.Summary.Select(c => $"{c.Label} {c.Count}"))}), " +
            $"{folds}-fold stratified CV (seed {seed}), ML.NET head ({head.Trainer}, L2 {head.L2:G3}, {head.MaxIterations} iterations, balanced {head.BalanceClasses}), face crop {(faceCrop is null ? "off" : faceCrop.CacheKey)}, cache {cache.Root}, {Environment.ProcessorCount} cores");

        var results = new List<Row>();
        var features = new Dictionary<string, Table>();
        var backbones = new Dictionary<string, BackboneFeaturizer>();
        try
        {
            foreach (var config in Configurations())
            {
                if (only.Length > 0 && !only.Any(o => config.Name.Contains(o, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                if (config.Parts is { } parts)
                {
                    if (parts.All(features.ContainsKey))
                    {
                        results.Add(Evaluate(config, Concatenate(parts.Select(p => features[p]).ToArray()), dataset.Labels, foldOf, head));
                        Print(results[^1]);
                    }

                    continue;
                }

                try
                {
                    var spec = config.Spec!(ModelCatalog.Default);
                    var backbone = BackboneFeaturizer.Create(spec, store, new BackboneFeaturizerOptions { Pooling = config.Pooling });
                    backbones[config.Name] = backbone;
                    var clock = Stopwatch.StartNew();
                    var featurized = new DatasetFeaturizer(backbone, faceCrop, cache).Featurize(examples, progress: new ConsoleProgress(config.Name));
                    Console.Error.WriteLine();
                    Console.WriteLine($"  {config.Name}: layer {spec.FeatureLayer} raw [{string.Join("x", backbone.FeatureShape)}] -> {backbone.FeatureSize}-D; " +
                        $"{featurized.Stats.Computed} computed, {featurized.Stats.CacheHits} cached in {clock.Elapsed.TotalSeconds:F1} s");
                    features[config.Name] = Table.From(featurized);
                    results.Add(Evaluate(config, features[config.Name], dataset.Labels, foldOf, head));
                    Print(results[^1]);
                }
                catch (Exception e) when (e is ModelException or ImagingException or OnnxNetException or OpenCVException)
                {
                    Console.WriteLine($"  {config.Name}: not usable: {e.Message}");
                    results.Add(new Row(config, 0, double.NaN, double.NaN, double.NaN, [], e.Message));
                }
            }

            if (timing)
            {
                // Timed together at the end, round-robin, so that load from other processes
                // (the machine may be shared) hits every configuration alike; best round counts.
                var ms = MeasureMsPerImage(backbones, faceCrop, timingSet, rounds: 3);
                for (int i = 0; i < results.Count; i++)
                {
                    var parts = results[i].Config.Parts ?? [results[i].Config.Name];
                    if (parts.All(ms.ContainsKey))
                    {
                        results[i] = results[i] with { MsPerImage = parts.Sum(p => ms[p]) };
                    }
                }
            }
        }
        finally
        {
            foreach (var b in backbones.Values)
            {
                b.Dispose();
            }
        }

        Console.WriteLine();
        Console.WriteLine("| configuration | layer | input | dim | accuracy (mean ± sd) | folds | ms/image |");
        Console.WriteLine("|---|---|---|---:|---|---|---:|");
        foreach (var r in results)
        {
            if (r.Error is not null)
            {
                Console.WriteLine($"| {r.Config.Name} | {r.Config.Layer} | {r.Config.Input} | – | not usable (error above) | | |");
                continue;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Config.Name} | {r.Config.Layer} | {r.Config.Input} | {r.Dimension} | {r.Mean:F3} ± {r.Sd:F3} | {string.Join(" ", r.Folds.Select(f => f.ToString("F3", CultureInfo.InvariantCulture)))} | {r.MsPerImage:F1} |"));
        }
    }

    /// <summary>The candidates: catalog backbones at their own layer and size, earlier layers (pooled), smaller inputs, and one concatenation.</summary>
    private static IEnumerable<Config> Configurations()
    {
        static Func<ModelCatalog, ModelSpec> Layer(string id, string? layer, int? size = null) => catalog =>
        {
            var spec = catalog.Get(id);
            var p = spec.Preprocessing!;
            return spec with
            {
                FeatureLayer = layer ?? spec.FeatureLayer,
                FeatureSize = layer is null ? spec.FeatureSize : null,
                Preprocessing = size is { } s ? new Preprocessing(s, s, p.ChannelOrder, p.Mean, p.Scale, p.Layout, p.Std) : p,
            };
        };

        yield return new Config("resnet18", "Pooling395_Output_0 (GAP)", "224", Layer("resnet18", null), FeaturePooling.None);
        yield return new Config("fr-expression", "Flatten_373 (GAP)", "224", Layer("fr-expression", null), FeaturePooling.None);
        yield return new Config("fr-expression 160px", "Flatten_373 (GAP)", "160", Layer("fr-expression", null, 160), FeaturePooling.None);
        yield return new Config("fr-expression 128px", "Flatten_373 (GAP)", "128", Layer("fr-expression", null, 128), FeaturePooling.None);
        yield return new Config("fr-expression block 3", "Relu_269 + GAP", "224", Layer("fr-expression", "onnx_node!Relu_269"), FeaturePooling.GlobalAverage);
        yield return new Config("fr-expression transition 3", "AveragePool_272 + GAP", "224", Layer("fr-expression", "onnx_node!AveragePool_272"), FeaturePooling.GlobalAverage);
        yield return new Config("fr-pose", "ReduceMean_203 (GAP)", "224", Layer("fr-pose", null), FeaturePooling.None);
        yield return new Config("fr-pose stage 4", "Reshape_200 + GAP", "224", Layer("fr-pose", "onnx_node!Reshape_200"), FeaturePooling.GlobalAverage);
        yield return new Config("fr-pose stage 3", "Reshape_150 + GAP", "224", Layer("fr-pose", "onnx_node!Reshape_150"), FeaturePooling.GlobalAverage);
        yield return new Config("fr-pose 160px", "ReduceMean_203 (GAP)", "160", Layer("fr-pose", null, 160), FeaturePooling.None);
        yield return new Config("fr-feature", "Reshape_95 (embedding)", "112", Layer("fr-feature", null), FeaturePooling.None);
        yield return new Config("fr-feature conv", "PRelu_92 + GAP", "112", Layer("fr-feature", "onnx_node!PRelu_92"), FeaturePooling.GlobalAverage);
        yield return new Config("fr-expression + fr-pose", "concatenated", "224", null, FeaturePooling.None, ["fr-expression", "fr-pose"]);
        yield return new Config("fr-expression 160px + fr-pose", "concatenated", "160/224", null, FeaturePooling.None, ["fr-expression 160px", "fr-pose"]);
        yield return new Config("fr-pose + fr-feature", "concatenated", "224/112", null, FeaturePooling.None, ["fr-pose", "fr-feature"]);
    }

    /// <summary>K folds, stratified by class, with identical files (same content hash) always in one fold.</summary>
    private static int[] StratifiedGroupFolds(IReadOnlyList<ImageExample> examples, int folds, int seed)
    {
        var foldOf = new int[examples.Count];
        var rng = new Random(seed);
        foreach (var cls in examples.Select((e, i) => (e, i)).GroupBy(x => x.e.LabelIndex))
        {
            var groups = cls.GroupBy(x => x.e.ContentHash).Select(g => g.Select(x => x.i).ToArray()).ToArray();
            rng.Shuffle(groups);
            for (int g = 0; g < groups.Length; g++)
            {
                foreach (int i in groups[g])
                {
                    foldOf[i] = g % folds;
                }
            }
        }

        return foldOf;
    }

    private static Row Evaluate(Config config, Table data, IReadOnlyList<string> labels, int[] foldOf, HeadOptions options)
    {
        int folds = foldOf.Max() + 1;
        var accuracies = new double[folds];
        var rowFold = new int[data.Rows];
        var exampleIndices = data.ExampleIndices;
        for (int r = 0; r < data.Rows; r++)
        {
            rowFold[r] = foldOf[exampleIndices[r]];
        }

        for (int f = 0; f < folds; f++)
        {
            // A fresh seeded context per fold, as a training run makes one: folds do not depend on each other's order.
            var ml = new MLContext(seed: options.Seed);
            var train = Subset(ml, data, rowFold, f, inFold: false, labels, options.BalanceClasses);
            var test = Subset(ml, data, rowFold, f, inFold: true, labels, balance: false);
            var head = MaskModelTraining.FitHead(ml, train, null, labels, options).Head;
            accuracies[f] = ClassificationMetrics.Evaluate(ml, head.Transform(test), labels).Accuracy;
        }

        double mean = accuracies.Average();
        double sd = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / Math.Max(1, folds - 1));
        return new Row(config, data.Dimension, mean, sd, double.NaN, accuracies, null);
    }

    /// <summary>
    /// The rows in (or out of) one fold as an ML.NET view laid out as <c>FeatureDataView.Create</c>
    /// lays out a training split: Label (class name), Features (vector of the table's size), Weight
    /// (N / (classes × class count) when balancing, as training weighs its rows; else 1). Built here
    /// because fold subsets and concatenated features are not <see cref="FeaturizedData"/>.
    /// </summary>
    private static IDataView Subset(MLContext ml, Table data, int[] rowFold, int fold, bool inFold, IReadOnlyList<string> labels, bool balance)
    {
        var rows = Enumerable.Range(0, data.Rows).Where(r => (rowFold[r] == fold) == inFold).ToArray();
        var counts = new int[labels.Count];
        foreach (int r in rows)
        {
            counts[data.Labels[r]]++;
        }

        int present = counts.Count(c => c > 0);
        var result = new FoldRow[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            int label = data.Labels[rows[i]];
            result[i] = new FoldRow
            {
                Label = labels[label],
                Features = data.Row(rows[i]).ToArray(),
                Weight = balance ? (float)((double)rows.Length / (present * (double)counts[label])) : 1f,
            };
        }

        var schema = SchemaDefinition.Create(typeof(FoldRow));
        schema[FeatureDataView.Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, data.Dimension);
        return ml.Data.LoadFromEnumerable(result, schema);
    }

    private sealed class FoldRow
    {
        [ColumnName(FeatureDataView.Label)]
        public string Label { get; set; } = "";

        [ColumnName(FeatureDataView.Features)]
        public float[] Features { get; set; } = [];

        [ColumnName(FeatureDataView.Weight)]
        public float Weight { get; set; }
    }

    /// <summary>Side-by-side features of the same rows (every part must hold the same images in the same order).</summary>
    private static Table Concatenate(Table[] parts)
    {
        int rows = parts[0].Rows;
        if (parts.Any(p => p.Rows != rows || !p.ExampleIndices.AsSpan().SequenceEqual(parts[0].ExampleIndices)))
        {
            throw new InvalidOperationException("the parts hold different images (one skipped an image the other did not)");
        }

        int dim = parts.Sum(p => p.Dimension);
        var joined = new float[rows * dim];
        for (int r = 0; r < rows; r++)
        {
            int offset = 0;
            foreach (var p in parts)
            {
                p.Row(r).CopyTo(joined.AsSpan(r * dim + offset, p.Dimension));
                offset += p.Dimension;
            }
        }

        return new Table(joined, rows, dim, parts[0].Labels, parts[0].ExampleIndices);
    }

    /// <summary>
    /// Featurizing cost per configuration in our pipeline, decode included, without cache: each
    /// round times every backbone once on the same images; the best round of each counts.
    /// </summary>
    private static Dictionary<string, double> MeasureMsPerImage(Dictionary<string, BackboneFeaturizer> backbones, FaceCropStage? faceCrop, ImageExample[] images, int rounds)
    {
        var best = backbones.Keys.ToDictionary(k => k, _ => double.PositiveInfinity);
        foreach (var (name, backbone) in backbones)
        {
            new DatasetFeaturizer(backbone, faceCrop).Featurize(images.Take(4).ToArray()); // warm-up at this input size
        }

        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, backbone) in backbones)
            {
                var clock = Stopwatch.StartNew();
                new DatasetFeaturizer(backbone, faceCrop).Featurize(images);
                best[name] = Math.Min(best[name], clock.Elapsed.TotalMilliseconds / images.Length);
            }
        }

        return best;
    }

    private static void Print(Row r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  => {r.Config.Name}: {r.Dimension}-D, accuracy {r.Mean:F3} ± {r.Sd:F3}"));

    private sealed record Config(string Name, string Layer, string Input, Func<ModelCatalog, ModelSpec>? Spec, FeaturePooling Pooling, string[]? Parts = null);

    /// <summary>Features with their labels and image indices, as the study needs them.</summary>
    private sealed record Table(float[] Features, int Rows, int Dimension, int[] Labels, int[] ExampleIndices)
    {
        public static Table From(FeaturizedData d) => new(d.Features.ToArray(), d.Rows, d.Dimension, d.Labels.ToArray(), d.ExampleIndices.ToArray());

        public ReadOnlySpan<float> Row(int r) => Features.AsSpan(r * Dimension, Dimension);
    }

    private sealed record Row(Config Config, int Dimension, double Mean, double Sd, double MsPerImage, double[] Folds, string? Error);

    private sealed class ConsoleProgress(string name) : IProgress<FeaturizeProgress>
    {
        private int _lastPercent = -1;

        public void Report(FeaturizeProgress value)
        {
            int percent = value.Total == 0 ? 100 : value.Done * 100 / value.Total;
            if (percent / 10 != _lastPercent / 10)
            {
                _lastPercent = percent;
                Console.Error.Write($"\r  {name}: {percent}% ({value.CacheHits} cached, {value.Computed} computed, {value.Skipped} skipped)   ");
            }
        }
    }
}
