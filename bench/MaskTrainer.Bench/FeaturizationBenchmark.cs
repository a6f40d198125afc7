using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Data;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// Featurization on mask-sample, measured in one run over the same images, for a backbone's pixel
/// graph (<see cref="PixelGraph"/>: the one ONNX file, raw pixels → preprocessing → network →
/// pooling → features, that <see cref="BackboneFeaturizer"/> and the saved ML.NET model both run):
/// <list type="number">
/// <item>throughput, images/s: (A) our <see cref="BackboneFeaturizer"/> at its default batch and threads,
/// (B) a bare batched ONNX Runtime loop (InferenceSession on the same pixel graph file, batch 16, the
/// same intra-op threads), (C) OpenCV's DNN on the same graph (batch 1; a copy without the
/// default-valued pooling attributes OpenCV 4.13 cannot parse, <see cref="FeaturizationLoops.OpenCvReadable"/>); interleaved rounds
/// A,B,C,A,B,C... so load from other processes hits all three alike; medians; bars ours/bare &gt;= 0.9,
/// ours/OpenCV &gt;= 2.5. Decoding and resizing to the input size happen once, before any timed loop:
/// all three time only tensor filling (the same <see cref="InputTensor.WritePixels"/>) and the forward pass;</item>
/// <item>agreement: max |ours - OpenCV DNN| (bar 1e-5 relative to the largest feature) and |ours - bare ORT| of the features;</item>
/// <item>the bottleneck cache: <see cref="DatasetFeaturizer"/> (decode included) cold vs warm (bar 20x).</item>
/// </list>
/// <c>bench training</c> runs (A) against (B) through <see cref="Compare"/> on the face crops of its test split.
/// Args: --images N (default 200), --rounds R (default 3), --backbone id (default: the training
/// default, resnet18-int8, whose 8-bit graph OpenCV's DNN cannot run, so (C) is left out for it;
/// --backbone resnet18 for the float one), --data folder.
/// </summary>
internal static class FeaturizationBenchmark
{
    /// <summary>Batch of the bare ORT loop.</summary>
    public const int BareBatch = 16;

    /// <summary>Intra-op threads of our featurizer with its default options, given to the bare loop too.</summary>
    public static int OurThreads => BackboneFeaturizerOptions.Default.Threads == 0 ? Environment.ProcessorCount : BackboneFeaturizerOptions.Default.Threads;

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

        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([BenchPaths.Shared("models")]));
        using var featurizer = BackboneFeaturizer.Create(spec, store);
        var graph = featurizer.Graph;

        // Decoded and resized once, outside every timed loop (WritePixels then only copies).
        var images = examples.Select(e =>
        {
            using var image = ImageCodec.Read(e.Path);
            return InputTensor.ResizeForInput(image, graph.InputWidth, graph.InputHeight);
        }).ToArray();
        try
        {
            Console.WriteLine($"Featurization: {n} images of {data}, backbone {spec.Id} ({spec.FeatureLayer}, {featurizer.FeatureSize}-D, {p.Describe()}), " +
                $"{Environment.ProcessorCount} cores");
            Console.WriteLine($"pixel graph: {graph.Path} (input {graph.InputName} [N,3,{graph.InputHeight},{graph.InputWidth}] raw {graph.ChannelOrder} planes, output {graph.OutputName} [N,{graph.FeatureSize}])");
            Console.WriteLine($"(A) ours: BackboneFeaturizer (ONNX Runtime {OrtVersion()}), batch {BackboneFeaturizerOptions.Default.MaxBatchSize}, {OurThreads} intra-op threads");
            Console.WriteLine($"(B) bare ORT loop: InferenceSession on the same pixel graph file, batch {BareBatch}, {OurThreads} intra-op threads");
            FeaturizationLoops.OpenCvDnn? opencv = null;
            try
            {
                string readable = FeaturizationLoops.OpenCvReadable(graph, Path.Combine(Path.GetTempPath(), "masktrainer-bench-opencv"));
                opencv = new FeaturizationLoops.OpenCvDnn(graph, readable);
                opencv.Run(images.Take(1).ToArray(), new float[graph.FeatureSize]);
                Console.WriteLine($"(C) OpenCV {Cv2.GetVersionString()} DNN (OpenCvSharp) on the same pixel graph{(readable == graph.Path ? " file" : $" (copy without the default-valued pooling attributes OpenCV cannot parse: {readable})")}, batch 1, {Cv2.GetNumThreads()} threads");
            }
            catch (Exception e) when (e is OpenCVException or InvalidOperationException)
            {
                opencv?.Dispose();
                opencv = null;
                Console.WriteLine($"(C) OpenCV {Cv2.GetVersionString()} DNN: cannot run the pixel graph ({FirstLine(e.Message)}); left out");
            }

            Console.WriteLine("Decode + resize to the input size: once, before all timed loops (not timed); each loop times tensor filling + forward.");
            using (opencv)
            {
                var c = Compare(featurizer, images, rounds, opencv);
                Console.WriteLine($"median images/s: ours {c.Ours:F1}, bare ORT {c.Bare:F1}{(c.OpenCv is { } o ? $", OpenCV DNN {o:F1}" : "")}");
                Console.WriteLine($"ours / bare ORT: {c.Ours / c.Bare:F2}x (bar >= 0.9) {Verdict(c.Ours / c.Bare >= 0.9)}");
                if (c.OpenCv is { } cv)
                {
                    Console.WriteLine($"ours / OpenCV DNN: {c.Ours / cv:F2}x (bar >= 2.5) {Verdict(c.Ours / cv >= 2.5)}");
                    Console.WriteLine($"max |ours - OpenCV DNN| over {n} images x {graph.FeatureSize} features: {c.MaxAbsOpenCv:G3} (bar <= 1e-5 relative to the largest |feature|) {Verdict(c.MaxAbsOpenCv <= 1e-5 * Math.Max(1, c.MaxFeature))}; " +
                        $"largest |feature| {c.MaxFeature:G4}, relative {c.MaxAbsOpenCv / c.MaxFeature:G3}");
                }

                Console.WriteLine($"max |ours - bare ORT|: {c.MaxAbsBare:G3}");
            }
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

    /// <summary>Median images/s of each loop and how far their features are from ours.</summary>
    public sealed record Comparison(double Ours, double Bare, double? OpenCv, double MaxAbsBare, double MaxAbsOpenCv, double MaxFeature, int Rounds, int Images);

    /// <summary>
    /// (A) <paramref name="featurizer"/> against (B) a bare batched ORT loop on its pixel graph
    /// (batch <see cref="BareBatch"/>, <see cref="OurThreads"/> threads) and (C) <paramref name="opencv"/>
    /// when given, on the same pre-made images: warm-up, then <paramref name="rounds"/> interleaved
    /// rounds, each printed; medians.
    /// </summary>
    public static Comparison Compare(BackboneFeaturizer featurizer, IReadOnlyList<Mat> images, int rounds, FeaturizationLoops.OpenCvDnn? opencv = null)
    {
        int n = images.Count, dim = featurizer.FeatureSize;
        using var bare = new FeaturizationLoops.BareOrt(featurizer.Graph, BareBatch, OurThreads);
        var ours = new float[n * dim];
        var bareOut = new float[n * dim];
        var old = new float[n * dim];

        // Warm-up: JIT, ORT's per-shape allocations (a full batch and the tail), OpenCV's lazy ones.
        var warm = images.Take(Math.Min(n, BareBatch + 8)).ToArray();
        featurizer.Featurize(warm, ours.AsSpan(0, warm.Length * dim));
        bare.Run(warm, bareOut);
        opencv?.Run(images.Take(2).ToArray(), old);

        var times = new[] { new List<double>(), new List<double>(), new List<double>() };
        Console.WriteLine($"{"run",-28} {"seconds",9} {"images/s",9}");
        for (int round = 0; round < rounds; round++)
        {
            times[0].Add(Time(() => featurizer.Featurize(images, ours), $"(A) ours, round {round + 1}", n));
            times[1].Add(Time(() => bare.Run(images, bareOut), $"(B) bare ORT, round {round + 1}", n));
            if (opencv is not null)
            {
                times[2].Add(Time(() => opencv.Run(images, old), $"(C) OpenCV DNN, round {round + 1}", n));
            }
        }

        var (maxBare, maxRef) = Difference(ours, bareOut);
        double maxOpenCv = opencv is null ? double.NaN : Difference(ours, old).MaxAbs;
        return new Comparison(n / Median(times[0]), n / Median(times[1]), opencv is null ? null : n / Median(times[2]), maxBare, maxOpenCv, maxRef, rounds, n);
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

    internal static string Verdict(bool met) => met ? "ok" : "MISSED";

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
