using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Data;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// Featurization on mask-sample, measured in one run over the same images:
/// <list type="number">
/// <item>agreement: max |ours - old| of the default backbone's features, ours = <see cref="BackboneFeaturizer"/>
/// (ONNX Runtime), old = OpenCV DNN through OpenCvSharp on the same file and layer (bar 1e-5);</item>
/// <item>throughput, images/s: (A) our featurizer at its default batch, (B) a bare batched ORT loop
/// (batch 16, 2 intra-op threads), (C) an OpenCV DNN loop (batch 1); interleaved rounds A,B,C,A,B,C...
/// so load from other processes hits all three alike; medians; bars ours/bare &gt;= 0.9, ours/OpenCV &gt;= 2.5.
/// Decoding and resizing to the input size happen once, before any timed loop: all three time
/// only tensor filling (the same <see cref="InputTensor.Write"/>), the forward pass and pooling;</item>
/// <item>the bottleneck cache: <see cref="DatasetFeaturizer"/> (decode included) cold vs warm (bar 20x).</item>
/// </list>
/// Args: --images N (default 200), --rounds R (default 3), --backbone id (default: the training
/// default), --data folder.
/// </summary>
public static class FeaturizationBenchmark
{
    private const int BareBatch = 16;
    private const int BareThreads = 2;

    public static void Run(string[] args)
    {
        int count = int.Parse(BenchPaths.Option(args, "--images", "200"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(BenchPaths.Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        string backboneId = BenchPaths.Option(args, "--backbone", MaskTrainingOptions.DefaultBackbone);
        string data = BenchPaths.Option(args, "--data", BenchPaths.Shared("data/mask-sample"));

        var all = ImageFolderDataset.Load(data).Examples;
        // Spread the sample over both classes and all sizes: every k-th image.
        int n = Math.Min(count, all.Count);
        var examples = Enumerable.Range(0, n).Select(i => all[(int)((long)i * all.Count / n)]).ToArray();
        var spec = ModelCatalog.Default.Get(backboneId);
        var p = spec.Preprocessing ?? throw new InvalidOperationException($"{spec.Id} has no preprocessing");
        string layer = spec.FeatureLayer ?? throw new InvalidOperationException($"{spec.Id} has no feature layer");
        if (spec.FeaturePooling != FeaturePooling.GlobalAverage)
        {
            throw new InvalidOperationException($"{spec.Id}: the reference loops pool globally; this backbone is pooled {spec.FeaturePooling}");
        }

        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([BenchPaths.Shared("models")]));
        string modelPath = store.GetFilePath(spec, spec.Files[0].Name);
        using var featurizer = BackboneFeaturizer.Create(spec, store);
        using var bare = new FeaturizationLoops.BareOrt(modelPath, layer, p, BareBatch, BareThreads);
        using var opencv = new FeaturizationLoops.OpenCvDnn(modelPath, layer, p);
        int dim = featurizer.FeatureSize;

        // Decoded and resized once, outside every timed loop (InputTensor.Write then skips its resize).
        var images = examples.Select(e => Resized(e.Path, p)).ToArray();
        try
        {
            var ours = new float[n * dim];
            var bareOut = new float[n * dim];
            var old = new float[n * dim];

            // Warm-up: JIT, ORT's per-shape allocations (a full batch and the tail), OpenCV's lazy ones.
            var warm = images.Take(Math.Min(n, BareBatch + 8)).ToArray();
            featurizer.Featurize(warm, ours.AsSpan(0, warm.Length * dim));
            bare.Run(warm, bareOut, dim);
            opencv.Run(images.Take(2).ToArray(), old, dim);

            Console.WriteLine($"Featurization: {n} images of {data}, backbone {spec.Id} ({layer}, global average, {dim}-D, {p.Describe()}), " +
                $"{Environment.ProcessorCount} cores");
            Console.WriteLine($"(A) ours: BackboneFeaturizer (ONNX Runtime {OrtVersion()}), batch {BackboneFeaturizerOptions.Default.MaxBatchSize}, " +
                $"{(BackboneFeaturizerOptions.Default.Threads == 0 ? Environment.ProcessorCount : BackboneFeaturizerOptions.Default.Threads)} intra-op threads");
            Console.WriteLine($"(B) bare ORT loop: InferenceSession on the same cut graph, batch {BareBatch}, {BareThreads} intra-op threads");
            Console.WriteLine($"(C) OpenCV {Cv2.GetVersionString()} DNN (OpenCvSharp), batch 1, {Cv2.GetNumThreads()} threads");
            Console.WriteLine("Decode + resize to the input size: once, before all timed loops (not timed); each loop times tensor filling + forward + pooling.");

            var times = new[] { new List<double>(), new List<double>(), new List<double>() };
            Console.WriteLine($"{"run",-28} {"seconds",9} {"images/s",9}");
            for (int round = 0; round < rounds; round++)
            {
                times[0].Add(Time(() => featurizer.Featurize(images, ours), $"(A) ours, round {round + 1}", n));
                times[1].Add(Time(() => bare.Run(images, bareOut, dim), $"(B) bare ORT, round {round + 1}", n));
                times[2].Add(Time(() => opencv.Run(images, old, dim), $"(C) OpenCV DNN, round {round + 1}", n));
            }

            double a = n / Median(times[0]), b = n / Median(times[1]), c = n / Median(times[2]);
            Console.WriteLine($"median images/s: ours {a:F1}, bare ORT {b:F1}, OpenCV DNN {c:F1}");
            Console.WriteLine($"ours / bare ORT: {a / b:F2}x (bar >= 0.9) {Verdict(a / b >= 0.9)}");
            Console.WriteLine($"ours / OpenCV DNN: {a / c:F2}x (bar >= 2.5) {Verdict(a / c >= 2.5)}");

            var (maxAbs, maxRef) = Difference(ours, old);
            Console.WriteLine($"max |ours - OpenCV DNN| over {n} images x {dim} features: {maxAbs:G3} (bar <= 1e-5) {Verdict(maxAbs <= 1e-5)}; " +
                $"largest |feature| {maxRef:G4}, relative {maxAbs / maxRef:G3}");
            Console.WriteLine($"max |ours - bare ORT|: {Difference(ours, bareOut).MaxAbs:G3}");
        }
        finally
        {
            foreach (var image in images)
            {
                image.Dispose();
            }
        }

        CacheSpeedUp(featurizer, examples, rounds);
    }

    /// <summary>The bottleneck cache: a cold <see cref="DatasetFeaturizer"/> run (decode included) vs warm ones.</summary>
    private static void CacheSpeedUp(BackboneFeaturizer featurizer, ImageExample[] examples, int rounds)
    {
        string workspace = Directory.CreateTempSubdirectory("mt-bench-featurize-").FullName;
        try
        {
            var sw = Stopwatch.StartNew();
            var result = new DatasetFeaturizer(featurizer, cache: new BottleneckCache(workspace)).Featurize(examples);
            double cold = sw.Elapsed.TotalSeconds;
            if (result.Stats.Computed != examples.Length)
            {
                throw new InvalidOperationException($"cold run computed {result.Stats.Computed} of {examples.Length}");
            }

            var warm = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                sw.Restart();
                var again = new DatasetFeaturizer(featurizer, cache: new BottleneckCache(workspace)).Featurize(examples);
                warm.Add(sw.Elapsed.TotalSeconds);
                if (again.Stats.Computed != 0 || again.Stats.CacheHits != examples.Length)
                {
                    throw new InvalidOperationException($"warm run computed {again.Stats.Computed}");
                }
            }

            Console.WriteLine($"cache: DatasetFeaturizer cold (decode included) {examples.Length / cold:F1} images/s, warm {examples.Length / Median(warm):F0} images/s; " +
                $"warm / cold speed-up {cold / Median(warm):F0}x (bar >= 20x) {Verdict(cold / Median(warm) >= 20)}");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private static Mat Resized(string path, Preprocessing p)
    {
        using var image = ImageCodec.Read(path);
        var resized = new Mat();
        // Bilinear, as InputTensor.Write resizes: feeding it this image is then a plain copy.
        Cv2.Resize(image, resized, new Size(p.InputWidth, p.InputHeight));
        return resized;
    }

    private static double Time(Action loop, string name, int images)
    {
        var sw = Stopwatch.StartNew();
        loop();
        double seconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"{name,-28} {seconds,9:F2} {images / seconds,9:F1}");
        return seconds;
    }

    private static (double MaxAbs, double MaxRef) Difference(float[] ours, float[] reference)
    {
        double maxAbs = 0, maxRef = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs((double)ours[i] - reference[i]));
            maxRef = Math.Max(maxRef, Math.Abs(reference[i]));
        }

        return (maxAbs, maxRef);
    }

    private static string OrtVersion() =>
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "?";

    private static string Verdict(bool met) => met ? "ok" : "MISSED";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
