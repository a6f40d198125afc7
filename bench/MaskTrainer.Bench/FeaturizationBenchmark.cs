using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Data;
using MaskTrainer.Features;
using MaskTrainer.Models;
using MaskTrainer.OpenCv;

namespace MaskTrainer.Bench;

/// <summary>
/// Featurization throughput on mask-sample, measured in one run: (a) a bare loop that only
/// decodes and runs OpenCV's forward pass (ImRead, blobFromImage, SetInput, Forward to the
/// feature layer, one image at a time); (b) our <see cref="DatasetFeaturizer"/> with an empty
/// cache; (c) ours again with the cache warm. The bare loop and the cold run alternate for
/// several rounds, so that load from other processes affects both alike; ratios use medians.
/// Args: --images N (default 400), --rounds R (default 3), --backbone id (default fr-pose),
/// --batch B, --dop D (our batch size and decoder threads), --data folder.
/// </summary>
public static class FeaturizationBenchmark
{
    public static void Run(string[] args)
    {
        int count = int.Parse(BenchPaths.Option(args, "--images", "400"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(BenchPaths.Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        string backboneId = BenchPaths.Option(args, "--backbone", "fr-pose");
        string data = BenchPaths.Option(args, "--data", BenchPaths.Shared("data/mask-sample"));
        var options = new FeaturizeOptions
        {
            BatchSize = int.Parse(BenchPaths.Option(args, "--batch", FeaturizeOptions.Default.BatchSize.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
            MaxDegreeOfParallelism = int.Parse(BenchPaths.Option(args, "--dop", FeaturizeOptions.Default.MaxDegreeOfParallelism.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
        };

        var all = ImageFolderDataset.Load(data).Examples;
        // Spread the sample over both classes and all sizes: every k-th image.
        var examples = Enumerable.Range(0, Math.Min(count, all.Count)).Select(i => all[(int)((long)i * all.Count / Math.Min(count, all.Count))]).ToArray();
        var spec = ModelCatalog.Default.Get(backboneId);
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        using var featurizer = BackboneFeaturizer.Create(spec, store);
        string modelPath = store.GetFilePath(spec, spec.Files[0].Name);
        using var net = Net.ReadFromOnnx(modelPath);
        var p = spec.Preprocessing!;

        // Warm-up: JIT, OpenCV's lazy allocations, the file system cache.
        Bare(net, spec, examples.Take(8).ToArray());
        new DatasetFeaturizer(featurizer, options: options).Featurize(examples.Take(8).ToArray());
        foreach (var e in examples)
        {
            File.ReadAllBytes(e.Path);
        }

        Console.WriteLine($"Featurization: {examples.Length} images of {data}, backbone {spec.Id} ({featurizer.FeatureSize}-D, {p.Describe()}), " +
            $"{Environment.ProcessorCount} cores, OpenCV {Cv2.Version} with {Cv2.GetNumThreads()} threads; ours: batch {options.BatchSize}, {options.MaxDegreeOfParallelism} decoders, batching {(featurizer.SupportsBatching ? "on" : "off")}");

        var bare = new List<double>();
        var cold = new List<double>();
        string workspace = Directory.CreateTempSubdirectory("mt-bench-featurize-").FullName;
        try
        {
            string? lastCache = null;
            for (int round = 0; round < rounds; round++)
            {
                bare.Add(Bare(net, spec, examples));
                lastCache = Path.Combine(workspace, $"round{round}");
                var sw = Stopwatch.StartNew();
                var result = new DatasetFeaturizer(featurizer, cache: new BottleneckCache(lastCache), options: options).Featurize(examples);
                cold.Add(sw.Elapsed.TotalSeconds);
                if (result.Stats.Computed != examples.Length)
                {
                    throw new InvalidOperationException($"cold run computed {result.Stats.Computed} of {examples.Length}");
                }
            }

            var warmTimes = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                var sw = Stopwatch.StartNew();
                var warm = new DatasetFeaturizer(featurizer, cache: new BottleneckCache(lastCache!), options: options).Featurize(examples);
                warmTimes.Add(sw.Elapsed.TotalSeconds);
                if (warm.Stats.Computed != 0 || warm.Stats.CacheHits != examples.Length)
                {
                    throw new InvalidOperationException($"warm run computed {warm.Stats.Computed}");
                }
            }

            double n = examples.Length;
            Console.WriteLine($"{"run",-34} {"seconds",10} {"images/s",10}");
            for (int r = 0; r < rounds; r++)
            {
                Console.WriteLine($"{$"(a) bare loop, round {r + 1}",-34} {bare[r],10:F2} {n / bare[r],10:F1}");
                Console.WriteLine($"{$"(b) ours, cold cache, round {r + 1}",-34} {cold[r],10:F2} {n / cold[r],10:F1}");
            }

            for (int r = 0; r < rounds; r++)
            {
                Console.WriteLine($"{$"(c) ours, warm cache, round {r + 1}",-34} {warmTimes[r],10:F3} {n / warmTimes[r],10:F1}");
            }

            Console.WriteLine($"median: bare {1000 * Median(bare) / n:F1} ms/img, ours cold {1000 * Median(cold) / n:F1} ms/img, ours warm {1000 * Median(warmTimes) / n:F3} ms/img");
            Console.WriteLine($"ours cold / bare throughput: {Median(bare) / Median(cold):F2}x by medians, {bare.Min() / cold.Min():F2}x by best rounds (target >= 0.9x)");
            Console.WriteLine($"warm / cold speed-up: {Median(cold) / Median(warmTimes):F0}x by medians (target >= 20x)");
            Console.WriteLine($"max |ours - bare| features of one image: {MaxDifference(net, spec, featurizer, examples[^1]):G3}");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The bare loop: decode, blobFromImage, forward to the feature layer, one image at a time.</summary>
    private static double Bare(Net net, ModelSpec spec, IReadOnlyList<ImageExample> examples)
    {
        var p = spec.Preprocessing!;
        var size = new Size(p.InputWidth, p.InputHeight);
        var mean = new Scalar(p.Mean[0], p.Mean[1], p.Mean[2]);
        bool swap = p.ChannelOrder == ChannelOrder.Rgb;
        using var blob = new Mat();
        using var output = new Mat();
        var sw = Stopwatch.StartNew();
        foreach (var e in examples)
        {
            using var image = Cv2.ImRead(e.Path);
            Dnn.BlobFromImage(image, blob, p.Scale, size, mean, swap);
            net.SetInput(blob);
            net.Forward(output, spec.FeatureLayer);
        }

        return sw.Elapsed.TotalSeconds;
    }

    private static double MaxDifference(Net net, ModelSpec spec, BackboneFeaturizer featurizer, ImageExample example)
    {
        var p = spec.Preprocessing!;
        using var image = Cv2.ImRead(example.Path);
        var ours = featurizer.Featurize(image);
        using var blob = Dnn.BlobFromImage(image, p.Scale, new Size(p.InputWidth, p.InputHeight), new Scalar(p.Mean[0], p.Mean[1], p.Mean[2]), p.ChannelOrder == ChannelOrder.Rgb);
        if (p.Std is { } std)
        {
            var planes = blob.GetFloats();
            int area = p.InputWidth * p.InputHeight;
            for (int c = 0; c < 3; c++)
            {
                foreach (ref float v in planes.Slice(c * area, area))
                {
                    v /= std[c];
                }
            }
        }

        net.SetInput(blob);
        using var output = net.Forward(spec.FeatureLayer);
        var reference = output.GetFloats();
        double max = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            max = Math.Max(max, Math.Abs(reference[i] - ours[i]));
        }

        return max;
    }
}
