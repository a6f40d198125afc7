using System.Diagnostics;
using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Training;

namespace MaskTrainer.Bench;

/// <summary>
/// The training issue's acceptance figures in one run: default training on mask-sample (cold
/// cache), the same run again (warm cache, must be bit-identical), framing robustness (test
/// faces pasted onto larger photos), and prediction-engine latency and 2-thread throughput.
/// Usage: bench training [--data DIR] [--backbone ID] [--seed N] [--head SoftmaxRegression|Mlp] [--workspace DIR (keep the cache: the cold figures are then warm)] [--no-latency] [--keep DIR (keep the model and pasted scenes there)]
/// </summary>
internal static class TrainingBenchmark
{
    public static void Run(string[] args)
    {
        var data = BenchPaths.Option(args, "--data", BenchPaths.Shared("data/mask-sample"));
        var backgrounds = BenchPaths.Shared("data/faces-dlib");
        string? keep = BenchPaths.Flag(args, "--keep") ? BenchPaths.Option(args, "--keep", "") : null;
        var root = keep is null ? Directory.CreateTempSubdirectory("mt-bench-training-").FullName : Directory.CreateDirectory(keep).FullName;
        var options = new MaskTrainingOptions
        {
            DataDirectory = data,
            OutputPath = Path.Combine(root, "a", "mask_model.zip"),
            Workspace = BenchPaths.Option(args, "--workspace", Path.Combine(root, "workspace")),
            Backbone = BenchPaths.Option(args, "--backbone", MaskTrainingOptions.DefaultBackbone),
            Head = new HeadOptions { Kind = Enum.Parse<HeadKind>(BenchPaths.Option(args, "--head", new HeadOptions().Kind.ToString())) },
            Seed = int.Parse(BenchPaths.Option(args, "--seed", "42")),
        };
        if (BenchPaths.Flag(args, "--blank"))
        {
            options = options with { FaceCropStage = options.FaceCropStage with { Crop = options.FaceCropStage.Crop with { BlankMargin = true } } };
        }

        if (BenchPaths.Flag(args, "--augment"))
        {
            options = options with { Augmentation = options.Augmentation with { Copies = int.Parse(BenchPaths.Option(args, "--augment", "1")) } };
        }

        if (BenchPaths.Flag(args, "--margin"))
        {
            float margin = float.Parse(BenchPaths.Option(args, "--margin", "0.2"), System.Globalization.CultureInfo.InvariantCulture);
            options = options with { FaceCropStage = options.FaceCropStage with { Crop = options.FaceCropStage.Crop with { Margin = margin } } };
        }

        using var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        Console.WriteLine($"# Training benchmark — data {data}, backbone {options.Backbone}, head {options.Head.Kind}, seed {options.Seed}");

        var cold = new MaskTrainingPipeline(options, store).Run();
        var warm = new MaskTrainingPipeline(options with { OutputPath = Path.Combine(root, "b", "mask_model.zip") }, store).Run();
        var m = cold.TestMetrics;
        Console.WriteLine($"test accuracy {m.Accuracy:0.0000}, macro-F1 {m.MacroF1:0.0000}, log-loss {m.LogLoss:0.0000} ({m.Count} test images)");
        Console.WriteLine($"faces found {cold.Featurizing.FacesFound}, whole-image fallbacks {cold.Featurizing.FaceFallbacks}, skipped {cold.Skipped.Count}");
        Console.WriteLine($"cold run {cold.Elapsed.TotalSeconds:0.0} s (featurizing {cold.Featurizing.Elapsed.TotalSeconds:0.0} s, {cold.Featurizing.Computed} computed); " +
                          $"warm run {warm.Elapsed.TotalSeconds:0.0} s ({warm.Featurizing.Computed} computed, {warm.Featurizing.CacheHits} cached): " +
                          $"featurizing {cold.Featurizing.Elapsed / Max(warm.Featurizing.Elapsed):0.0}x faster warm");
        Console.WriteLine($"head training {cold.Training.Elapsed.TotalSeconds:0.00} s on {cold.Split.Train.Count} images");
        Console.WriteLine($"reproducible with the same seed: {(SameHead(cold.Model.Head, warm.Model.Head) && m.Accuracy == warm.TestMetrics.Accuracy && m.LogLoss == warm.TestMetrics.LogLoss ? "yes, bit-identical head and metrics" : "NO")}");

        foreach (var kind in new[] { BackgroundKind.FacesPixelated, BackgroundKind.GroupPhotos, BackgroundKind.People })
        {
            string pasted = Path.Combine(root, "pasted-" + kind);
            Dictionary<string, Rect> rects;
            using (var scenes = new PastedScenes(backgrounds, options.Seed ?? 42, kind))
            {
                rects = scenes.WriteFolder(cold.Split.Test, pasted);
            }

            var framing = MaskEvaluation.Evaluate(cold.Model, pasted, store);
            var perClass = string.Join(", ", framing.Metrics.Labels.Select(l => $"{l} recall {framing.Metrics.PerClass[l].Recall:0.000}"));
            Console.WriteLine($"framing robustness, test images pasted at a random place and scale on faces-dlib photos ({Describe(kind)}): " +
                              $"accuracy {framing.Metrics.Accuracy:0.0000} on {framing.Metrics.Count} images ({perClass})");
            Console.WriteLine("  " + WhereTheCropLooked(cold.Model, rects, store));
        }

        if (!BenchPaths.Flag(args, "--no-latency"))
        {
            Latency(cold.Model, cold.Split.Test, store);
        }

        if (keep is null)
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// How often the face crop lay on the pasted image (its centre inside it) and the accuracy
    /// with and without that: separates what the head saw from what the detector found.
    /// </summary>
    private static string WhereTheCropLooked(MaskClassifier model, Dictionary<string, Rect> pasted, ModelStore store)
    {
        using var engine = model.CreatePredictionEngine(store);
        var counts = new SortedDictionary<string, int[]>(StringComparer.Ordinal); // on, on right, off, off right
        foreach (var (path, rect) in pasted.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string truth = Path.GetFileName(Path.GetDirectoryName(path))!;
            var p = engine.Predict(path);
            bool onPasted = p.FaceBox is { } b && PastedScenes.OnPasted(b, rect);
            if (!counts.TryGetValue(truth, out var c))
            {
                counts[truth] = c = new int[4];
            }

            int k = onPasted ? 0 : 2;
            c[k]++;
            c[k + 1] += p.Label == truth ? 1 : 0;
        }

        return "crop centred on the pasted image / accuracy there; elsewhere or whole image / accuracy there: " + string.Join("; ", counts.Select(kv =>
            $"{kv.Key} {kv.Value[0]} / {kv.Value[1] / (double)Math.Max(1, kv.Value[0]):0.000}, {kv.Value[2]} / {kv.Value[3] / (double)Math.Max(1, kv.Value[2]):0.000}"));
    }

    private static string Describe(BackgroundKind kind) => kind switch
    {
        BackgroundKind.FacesPixelated => "their faces pixelated, so the pasted face is the only one",
        BackgroundKind.GroupPhotos => "the nine labelled group photos as they are, people behind the pasted face",
        _ => "people and all, so the pasted face competes with real ones",
    };

    private static TimeSpan Max(TimeSpan t) => t > TimeSpan.FromMilliseconds(1) ? t : TimeSpan.FromMilliseconds(1);

    private static bool SameHead(TrainedHead a, TrainedHead b)
    {
        var ta = a.ToTensors();
        var tb = b.ToTensors();
        if (ta.Count != tb.Count)
        {
            return false;
        }

        for (int i = 0; i < ta.Count; i++)
        {
            if (!ta[i].Data.AsSpan().SequenceEqual(tb[i].Data))
            {
                return false;
            }
        }

        return true;
    }

    private static void Latency(MaskClassifier model, IReadOnlyList<ImageExample> test, ModelStore store)
    {
        using var detector = FaceDetectors.Create(model.FaceCrop?.DetectorId ?? FaceDetectors.DefaultId, store);
        var stage = new FaceCropStage(detector, new FaceCropStageOptions { Crop = model.CropOptions });
        var crops = test.Take(64).Select(e =>
        {
            using var image = ImageCodec.Read(e.Path);
            using var crop = stage.Apply(image);
            return crop.Image.Clone();
        }).ToArray();

        using (var engine = model.CreatePredictionEngine(store))
        {
            for (int i = 0; i < 10; i++)
            {
                engine.PredictFace(crops[i % crops.Length]);
            }

            var times = new double[300];
            for (int i = 0; i < times.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                engine.PredictFace(crops[i % crops.Length]);
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }

            Array.Sort(times);
            Console.WriteLine($"prediction engine, one face crop: p50 {times[times.Length / 2]:0.00} ms, p95 {times[(int)(times.Length * 0.95)]:0.00} ms");
        }

        foreach (int threads in new[] { 1, 2 })
        {
            int total = 0;
            var clock = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
            {
                using var engine = model.CreatePredictionEngine(store);
                engine.PredictFace(crops[0]);
                int n = 0;
                var local = Stopwatch.StartNew();
                while (local.Elapsed < TimeSpan.FromSeconds(3))
                {
                    engine.PredictFace(crops[(n + t) % crops.Length]);
                    n++;
                }

                Interlocked.Add(ref total, n);
            })).ToArray();
            Task.WaitAll(workers);
            Console.WriteLine($"throughput with {threads} thread(s), one engine each: {total / clock.Elapsed.TotalSeconds:0} faces/s");
        }

        foreach (var c in crops)
        {
            c.Dispose();
        }
    }
}
