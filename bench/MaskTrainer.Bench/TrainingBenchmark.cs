using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Models;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// The training issue's acceptance figures ("ML.NET at the core") in one run, each on its own
/// line with its bar: default training on mask-sample (cold cache): test accuracy and macro-F1;
/// the same run again (warm cache: every feature a cache hit) must write a bit-identical model zip
/// and the same test metrics, and cold / warm wall time is the cache's speed-up; framing robustness
/// (test faces pasted onto larger photos, scored by the saved model through its own face crop);
/// featurizing images/s of our <see cref="BackboneFeaturizer"/> against a bare batched ONNX Runtime
/// loop on the same pixel graph and the same face crops (<see cref="FeaturizationBenchmark.Compare"/>,
/// interleaved rounds); and prediction from the zip loaded back with <see cref="MaskModel.Load(string, int)"/>:
/// an ML.NET PredictionEngine's latency per 224x224 face crop (MLImages.FromMat included), the same
/// with <c>threads: 1</c> passed to Load, and a <see cref="MaskPredictor"/> shared by 1 and 2 threads.
/// Usage: bench training [--data DIR] [--backbone ID] [--trainer lbfgs|sdca|lightgbm|auto] [--seed N]
/// [--rounds R (featurizer rounds, 3)] [--workspace DIR (keep the cache: the cold figures are then warm)]
/// [--no-latency] [--keep DIR (keep the models and pasted scenes there)] [--blank] [--augment N] [--margin X] [--detector ID (training's crop detector)]
/// </summary>
internal static class TrainingBenchmark
{
    public const string Usage =
        "bench training [--data DIR] [--backbone ID] [--trainer lbfgs|sdca|lightgbm|auto] [--seed N] [--rounds R] [--workspace DIR] [--no-latency] [--keep DIR] [--blank] [--augment N] [--margin X] [--detector ID]";

    private const double AccuracyBar = 0.99, FramingBar = 0.97, CacheBar = 20, FeaturizeBar = 0.9, LatencyBar = 20;

    public static void Run(string[] args)
    {
        var data = BenchPaths.Option(args, "--data", BenchPaths.Shared("data/mask-sample"));
        var backgrounds = BenchPaths.Shared("data/faces-dlib");
        string? keep = BenchPaths.Flag(args, "--keep") ? BenchPaths.Option(args, "--keep", "") : null;
        int rounds = int.Parse(BenchPaths.Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        var root = keep is null ? Directory.CreateTempSubdirectory("mt-bench-training-").FullName : Directory.CreateDirectory(keep).FullName;
        var options = new MaskTrainingOptions
        {
            DataDirectory = data,
            OutputPath = Path.Combine(root, "a", "mask_model.zip"),
            Workspace = BenchPaths.Option(args, "--workspace", Path.Combine(root, "workspace")),
            Backbone = BenchPaths.Option(args, "--backbone", MaskTrainingOptions.DefaultBackbone),
            Head = new HeadOptions
            {
                Trainer = ParseTrainer(BenchPaths.Option(args, "--trainer", HeadOptions.Default.Trainer.ToString())),
                L2 = float.Parse(BenchPaths.Option(args, "--l2", HeadOptions.Default.L2.ToString("R", CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
            },
            Seed = int.Parse(BenchPaths.Option(args, "--seed", "42"), CultureInfo.InvariantCulture),
            FaceDetector = BenchPaths.Option(args, "--detector", FaceDetectors.DefaultId),
        };
        if (BenchPaths.Flag(args, "--blank"))
        {
            options = options with { FaceCropStage = options.FaceCropStage with { Crop = options.FaceCropStage.Crop with { BlankMargin = true } } };
        }

        if (BenchPaths.Flag(args, "--augment"))
        {
            options = options with { Augmentation = options.Augmentation with { Copies = int.Parse(BenchPaths.Option(args, "--augment", "1"), CultureInfo.InvariantCulture) } };
        }

        if (BenchPaths.Flag(args, "--margin"))
        {
            float margin = float.Parse(BenchPaths.Option(args, "--margin", "0.2"), CultureInfo.InvariantCulture);
            options = options with { FaceCropStage = options.FaceCropStage with { Crop = options.FaceCropStage.Crop with { Margin = margin } } };
        }

        if (Directory.Exists(options.Workspace) && Directory.EnumerateFileSystemEntries(options.Workspace).Any())
        {
            Console.WriteLine($"note: the workspace {options.Workspace} is not empty: the 'cold' run may read cached features");
        }

        using var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        Console.WriteLine($"# Training benchmark — data {data}, backbone {options.Backbone}, trainer {options.Head.Trainer}, seed {options.Seed}, " +
            $"{Environment.ProcessorCount} cores, ML.NET {MlNetVersion()}");

        // 1. Cold run, then the same run again: every feature is then a cache hit.
        var observer = new StderrObserver();
        var cold = new MaskTrainingPipeline(options, store, observer).Run();
        var warm = new MaskTrainingPipeline(options with { OutputPath = Path.Combine(root, "b", "mask_model.zip") }, store, observer).Run();
        var m = cold.TestMetrics;
        Console.WriteLine($"split {cold.Split.Train.Count} / {cold.Split.Validation.Count} / {cold.Split.Test.Count} train / validation / test; trainer {cold.Head.Trainer}; " +
            $"faces found {cold.Featurizing.FacesFound}, whole-image fallbacks {cold.Featurizing.FaceFallbacks}, skipped {cold.Skipped.Count}");
        if (cold.Head.Candidates.Count > 0)
        {
            foreach (var c in cold.Head.Candidates)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"auto candidate {c.Trainer,-20} validation log-loss {c.ValidationLogLoss:0.0000}, macro accuracy {c.ValidationMacroAccuracy:0.0000}, fit {c.Elapsed.TotalSeconds:0.00} s{(c.Trainer == cold.Head.Trainer ? "  <- kept" : "")}"));
            }
        }

        Bar($"test accuracy {m.Accuracy:0.0000} ({m.Count} test images)", "bar >= 0.99", m.Accuracy >= AccuracyBar);
        Bar($"test macro-F1 {m.MacroF1:0.0000}", "bar >= 0.99", m.MacroF1 >= AccuracyBar);
        Console.WriteLine($"test log-loss {m.LogLoss:0.0000}, macro accuracy {m.MacroAccuracy:0.0000}{(m.Auc is { } auc ? $", AUC {auc:0.0000}" : "")}");

        var bytesA = File.ReadAllBytes(cold.ModelPath);
        var bytesB = File.ReadAllBytes(warm.ModelPath);
        bool sameZip = bytesA.AsSpan().SequenceEqual(bytesB);
        bool sameMetrics = m.Accuracy == warm.TestMetrics.Accuracy && m.LogLoss == warm.TestMetrics.LogLoss && m.MacroF1 == warm.TestMetrics.MacroF1;
        Bar($"rerun with the same seed: model zip {(sameZip ? "bit-identical" : "DIFFERENT")} ({bytesA.Length:N0} vs {bytesB.Length:N0} bytes, SHA-256 {Sha(bytesA)} vs {Sha(bytesB)})",
            "bar: identical bytes", sameZip);
        Bar($"rerun with the same seed: test metrics {(sameMetrics ? "identical" : "DIFFERENT")} (accuracy {warm.TestMetrics.Accuracy:0.0000}, log-loss {warm.TestMetrics.LogLoss:0.000000})",
            "bar: identical", sameMetrics);

        double speedUp = cold.Elapsed / warm.Elapsed;
        Console.WriteLine($"cold training run {cold.Elapsed.TotalSeconds:0.0} s (featurizing {cold.Featurizing.Elapsed.TotalSeconds:0.0} s: {cold.Featurizing.Computed} computed, {cold.Featurizing.CacheHits} cached; " +
            $"{cold.Featurizing.Computed / Math.Max(1e-9, cold.Featurizing.Elapsed.TotalSeconds):0.0} images/s through DatasetFeaturizer, decode and face crop included)");
        Console.WriteLine($"warm training run {warm.Elapsed.TotalSeconds:0.0} s (featurizing {warm.Featurizing.Elapsed.TotalSeconds:0.00} s: {warm.Featurizing.Computed} computed, {warm.Featurizing.CacheHits} cached; " +
            $"the rest is loading and hashing the images, the head fit, evaluation and writing the zip and report)");
        Bar($"cold / warm training time {speedUp:0.0}x", "bar >= 20x", speedUp >= CacheBar && warm.Featurizing.Computed == 0);
        Console.WriteLine($"cold / warm featurizing time {cold.Featurizing.Elapsed / Max(warm.Featurizing.Elapsed):0}x");

        // 2. Everything from here on uses the saved zip, loaded back as a program would.
        var part = Stopwatch.StartNew();
        using var model = MaskModel.Load(cold.ModelPath);
        double loadZip = part.Elapsed.TotalSeconds;
        part.Restart();
        int images = ImageFolderDataset.Load(data).Examples.Count;
        double loadData = part.Elapsed.TotalSeconds;
        part.Restart();
        using (var sink = new MemoryStream())
        {
            model.Save(sink);
        }

        Console.WriteLine($"parts of a warm run, timed again on their own: loading and hashing the {images} images {loadData:0.00} s, writing the {bytesA.Length / 1e6:0} MB zip {part.Elapsed.TotalSeconds:0.00} s (loading it back {loadZip:0.00} s)");
        // One predictor for every use of the model: ML.NET 6's PredictionEngine.Dispose disposes the
        // transformer it was made from (dotnet/machinelearning#5945) unless OwnsTransformer is false,
        // so a disposed engine or MaskPredictor leaves the model's ONNX session unusable.
        using var predictor = new MaskPredictor(model);
        foreach (var kind in new[] { BackgroundKind.FacesPixelated, BackgroundKind.GroupPhotos, BackgroundKind.People })
        {
            string pasted = Path.Combine(root, "pasted-" + kind);
            Dictionary<string, Rect> rects;
            using (var scenes = new PastedScenes(backgrounds, options.Seed ?? 42, kind))
            {
                rects = scenes.WriteFolder(cold.Split.Test, pasted);
            }

            var framing = MaskEvaluation.Evaluate(model, pasted, store);
            var perClass = string.Join(", ", framing.Metrics.Labels.Select(l => $"{l} recall {framing.Metrics.PerClass[l].Recall:0.000}"));
            string line = $"framing robustness ({Describe(kind)}): accuracy {framing.Metrics.Accuracy:0.0000} on {framing.Metrics.Count} pasted test images ({perClass})";
            if (kind == BackgroundKind.FacesPixelated)
            {
                Bar(line, "bar >= 0.97", framing.Metrics.Accuracy >= FramingBar);
            }
            else
            {
                Console.WriteLine(line + " (no bar)");
            }

            Console.WriteLine("  " + WhereTheCropLooked(predictor, rects, store));
        }

        // 3. The test split's face crops, decoded and cropped once: featurizer speed, then prediction.
        var crops = FaceCrops(model, cold.Split.Test, store);
        try
        {
            using (var featurizer = ModelBackbone.OpenFeaturizer(model, store))
            {
                Console.WriteLine($"featurizing the {crops.Length} test face crops (decoded, cropped and resized to {featurizer.Graph.InputWidth}x{featurizer.Graph.InputHeight} beforehand), " +
                    $"{rounds} interleaved rounds: ours = BackboneFeaturizer (batch {BackboneFeaturizerOptions.Default.MaxBatchSize}), bare = InferenceSession on the same pixel graph " +
                    $"{Path.GetFileName(featurizer.Graph.Path)}, batch {FeaturizationBenchmark.BareBatch}; both {FeaturizationBenchmark.OurThreads} intra-op threads (as bench featurize)");
                var f = FeaturizationBenchmark.Compare(featurizer, crops.Select(c => c.Image).ToArray(), rounds);
                Console.WriteLine($"featurizing images/s: ours {f.Ours:0.0}, bare ORT {f.Bare:0.0} (medians; max |ours - bare| {f.MaxAbsBare:G3})");
                Bar($"featurizing ours / bare ORT {f.Ours / f.Bare:0.00}x", "bar >= 0.9x", f.Ours / f.Bare >= FeaturizeBar);
            }

            if (!BenchPaths.Flag(args, "--no-latency"))
            {
                Latency(cold.ModelPath, model, predictor, crops);
            }
        }
        finally
        {
            foreach (var c in crops)
            {
                c.Image.Dispose();
            }
        }

        if (keep is null)
        {
            Directory.Delete(root, recursive: true);
        }
        else
        {
            Console.WriteLine($"kept: {cold.ModelPath}, {warm.ModelPath}, pasted scenes in {root}");
        }
    }

    // ML.NET's assembly version is 1.0.0 in every release; the package version is the informational one.
    private static string MlNetVersion() =>
        typeof(Microsoft.ML.MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private static TrainerKind ParseTrainer(string text) => text.ToLowerInvariant() switch
    {
        "lbfgs" or "lbfgsmaximumentropy" => TrainerKind.LbfgsMaximumEntropy,
        "sdca" or "sdcamaximumentropy" => TrainerKind.SdcaMaximumEntropy,
        "lightgbm" or "lgbm" => TrainerKind.LightGbm,
        "auto" => TrainerKind.Auto,
        _ => throw new ArgumentException($"--trainer {text}: expected lbfgs, sdca, lightgbm or auto"),
    };

    private static void Bar(string figure, string bar, bool met) => Console.WriteLine($"{figure} ({bar}) {FeaturizationBenchmark.Verdict(met)}");

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];

    /// <summary>
    /// How often the face crop lay on the pasted image (its centre inside it) and the accuracy
    /// with and without that: separates what the head saw from what the detector found. The crop
    /// is the model's own (<see cref="FaceCropStage"/> with its policy, as evaluation crops), the
    /// prediction a <see cref="MaskPredictor"/> on it.
    /// </summary>
    private static string WhereTheCropLooked(MaskPredictor predictor, Dictionary<string, Rect> pasted, ModelStore store)
    {
        var policy = predictor.Model.FaceCrop;
        using var detector = FaceDetectors.Create(policy.DetectorId ?? FaceDetectors.DefaultId, store);
        var stage = new FaceCropStage(detector, new FaceCropStageOptions { Crop = policy.CropOptions, MinConfidence = policy.MinConfidence });
        var counts = new SortedDictionary<string, int[]>(StringComparer.Ordinal); // on, on right, off, off right
        var output = new ModelOutput();
        foreach (var (path, rect) in pasted.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string truth = Path.GetFileName(Path.GetDirectoryName(path))!;
            using var image = ImageCodec.Read(path);
            using var crop = stage.Apply(image);
            predictor.Predict(crop.Image, ref output);
            bool onPasted = crop.FaceFound && PastedScenes.OnPasted(crop.FaceBox, rect);
            if (!counts.TryGetValue(truth, out var c))
            {
                counts[truth] = c = new int[4];
            }

            int k = onPasted ? 0 : 2;
            c[k]++;
            c[k + 1] += output.PredictedLabel == truth ? 1 : 0;
        }

        return "crop centred on the pasted image / accuracy there; elsewhere or whole image / accuracy there: " + string.Join("; ", counts.Select(kv =>
            $"{kv.Key} {kv.Value[0]} / {kv.Value[1] / (double)Math.Max(1, kv.Value[0]):0.000}, {kv.Value[2]} / {kv.Value[3] / (double)Math.Max(1, kv.Value[2]):0.000}"));
    }

    private static string Describe(BackgroundKind kind) => kind switch
    {
        BackgroundKind.FacesPixelated => "test images pasted at a random place and scale on faces-dlib photos with their faces pixelated, so the pasted face is the only one",
        BackgroundKind.GroupPhotos => "the same on the nine labelled group photos as they are, people behind the pasted face",
        _ => "the same on all faces-dlib photos, people and all, so the pasted face competes with real ones",
    };

    private static TimeSpan Max(TimeSpan t) => t > TimeSpan.FromMilliseconds(1) ? t : TimeSpan.FromMilliseconds(1);

    /// <summary>Each example's face crop (the model's policy), resized to the backbone input as prediction does; the caller disposes them.</summary>
    private static (Mat Image, string Label)[] FaceCrops(MaskModel model, IReadOnlyList<ImageExample> examples, ModelStore store)
    {
        var policy = model.FaceCrop;
        using var detector = policy.Enabled ? FaceDetectors.Create(policy.DetectorId ?? FaceDetectors.DefaultId, store) : null;
        var stage = detector is null ? null : new FaceCropStage(detector, new FaceCropStageOptions { Crop = policy.CropOptions, MinConfidence = policy.MinConfidence });
        var b = model.Metadata.Backbone;
        return examples.Select(e =>
        {
            using var image = ImageCodec.Read(e.Path);
            using var crop = stage?.Apply(image);
            return (InputTensor.ResizeForInput(crop?.Image ?? image, b.InputWidth, b.InputHeight), e.Label);
        }).ToArray();
    }

    /// <summary>
    /// Prediction from the loaded zip: an ML.NET PredictionEngine per face crop (MLImages.FromMat
    /// included), p50/p95 over 300 calls; the same with the zip loaded with threads: 1; then a
    /// MaskPredictor shared by 1 and 2 threads for 3 s each.
    /// </summary>
    private static void Latency(string zip, MaskModel model, MaskPredictor predictor, (Mat Image, string Label)[] crops)
    {
        var size = crops[0].Image.Size();
        var (p50, p95, right) = EngineLatency(model, crops);
        Bar($"PredictionEngine from the loaded zip (MaskModel.Load, threads default = {Environment.ProcessorCount}), one {size.Width}x{size.Height} face crop (MLImages.FromMat + Predict): " +
            $"p50 {p50:0.00} ms, p95 {p95:0.00} ms; {right} of {crops.Length} crops predicted as labelled", "bar p50 <= 20 ms", p50 <= LatencyBar);

        using (var single = MaskModel.Load(zip, threads: 1))
        {
            var (s50, s95, _) = EngineLatency(single, crops);
            Console.WriteLine($"PredictionEngine from the zip loaded with MaskModel.Load(path, threads: 1): p50 {s50:0.00} ms, p95 {s95:0.00} ms " +
                $"(threads {Environment.ProcessorCount}: p50 {p50:0.00} ms; the option reaches the loaded ONNX session when these differ)");
            using var singlePredictor = new MaskPredictor(single);
            Throughput(singlePredictor, crops, "loaded with threads: 1");
        }

        Throughput(predictor, crops, $"loaded with threads default = {Environment.ProcessorCount}");
    }

    private static (double P50, double P95, int Right) EngineLatency(MaskModel model, (Mat Image, string Label)[] crops)
    {
        // Not disposed: disposing it would dispose the model's transformer (see Run); the model's Dispose frees the session.
        var engine = model.CreatePredictionEngine();
        var output = new ModelOutput();
        int right = 0;
        foreach (var (image, label) in crops)
        {
            using var ml = MLImages.FromMat(image);
            engine.Predict(new ModelInput { Image = ml }, ref output);
            right += output.PredictedLabel == label ? 1 : 0;
        }

        var times = new double[300];
        for (int i = 0; i < times.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var ml = MLImages.FromMat(crops[i % crops.Length].Image);
            engine.Predict(new ModelInput { Image = ml }, ref output);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[times.Length / 2], times[(int)(times.Length * 0.95)], right);
    }

    private static void Throughput(MaskPredictor predictor, (Mat Image, string Label)[] crops, string what)
    {
        var rates = new double[3];
        foreach (int threads in new[] { 1, 2 })
        {
            int total = 0;
            using var start = new Barrier(threads);
            var clock = new Stopwatch();
            var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
            {
                var output = new ModelOutput();
                predictor.Predict(crops[t].Image, ref output); // each thread's engine made before the clock starts
                start.SignalAndWait();
                if (t == 0)
                {
                    clock.Start();
                }

                int n = 0;
                var local = Stopwatch.StartNew();
                while (local.Elapsed < TimeSpan.FromSeconds(3))
                {
                    predictor.Predict(crops[(n * threads + t) % crops.Length].Image, ref output);
                    n++;
                }

                Interlocked.Add(ref total, n);
            }, TaskCreationOptions.LongRunning)).ToArray();
            Task.WaitAll(workers);
            rates[threads] = total / clock.Elapsed.TotalSeconds;
        }

        Console.WriteLine($"MaskPredictor shared by threads ({what}): 1 thread {rates[1]:0.0} predictions/s, 2 threads {rates[2]:0.0} predictions/s, 2 / 1 = {rates[2] / rates[1]:0.00}x");
    }

    /// <summary>The pipeline's info lines and warnings on stderr (stdout keeps the figures).</summary>
    private sealed class StderrObserver : ITrainingObserver
    {
        public void Info(string message) => Console.Error.WriteLine("  " + message);

        public void Warning(string message) => Console.Error.WriteLine("  warning: " + message);

        public void Featurizing(string part, FeaturizeProgress progress)
        {
        }
    }
}
