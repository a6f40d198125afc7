using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// The 8-bit backbone (<see cref="Int8Quantizer"/>): measures the activation ranges of a float
/// backbone's pixel graph on real faces (every other mask-sample image of a spread sample, cut as
/// training cuts it, <see cref="FaceCropStage"/> with the crop detector: min and max of each tensor
/// the quantizer needs), optionally writes them (<c>--write FILE</c>: the embedded
/// <c>src/MaskTrainer.Core/Onnx/&lt;id&gt;.json</c> is made this way), then compares the float graph with
/// the quantized one on the other images: features (cosine, per image) and batch-1 latency through
/// ONNX Runtime at 1 and 2 intra-op threads, interleaved rounds, medians. It also checks that the
/// catalog's int8 backbone, built by the featurizer from the embedded ranges, gives the same features
/// as the graph quantized here when the ranges are the same.
/// Args: --backbone ID (float source, default resnet18), --int8 ID (catalog int8 backbone, default
/// resnet18-int8), --images N (calibration + test, default 400), --rounds R (default 3), --write FILE,
/// --percentile P (default 99.999, as the shipped ranges; 100 = min/max).
/// </summary>
internal static class QuantizationBenchmark
{
    /// <summary>With --percentile under 100, every this many values of each tensor are kept to find the percentiles.</summary>
    private const int Stride = 17;

    /// <summary>The percentile the shipped ranges were measured at (docs/backbones.md: min/max gave lower cosines).</summary>
    private const string ShippedPercentile = "99.999";

    public static void Run(string[] args)
    {
        string floatId = BenchPaths.Option(args, "--backbone", "resnet18");
        string int8Id = BenchPaths.Option(args, "--int8", "resnet18-int8");
        int count = int.Parse(BenchPaths.Option(args, "--images", "400"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(BenchPaths.Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        string? write = BenchPaths.Option(args, "--write", "") is { Length: > 0 } w ? w : null;
        double percentile = double.Parse(BenchPaths.Option(args, "--percentile", ShippedPercentile), CultureInfo.InvariantCulture);

        var all = ImageFolderDataset.Load(BenchPaths.Shared("data/mask-sample")).Examples;
        int n = Math.Min(count, all.Count);
        var sample = Enumerable.Range(0, n).Select(i => all[(int)((long)i * all.Count / n)]).ToArray();
        var calibration = sample.Where((_, i) => i % 2 == 0).ToArray();
        var test = sample.Where((_, i) => i % 2 == 1).ToArray();

        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([BenchPaths.Shared("models")]));
        var floatSpec = ModelCatalog.Default.Get(floatId);
        PixelGraph graph;
        using (var featurizer = BackboneFeaturizer.Create(floatSpec, store))
        {
            graph = featurizer.Graph;
        }

        var folded = Int8Quantizer.Fold(File.ReadAllBytes(graph.Path), graph.Path);
        var tensors = Int8Quantizer.CalibrationTensors(folded);
        // The faces as training cuts them (the crop detector, the blanked margin): what the backbone sees.
        using var detector = FaceDetectors.Create(FaceDetectors.DefaultId, store);
        var stage = new FaceCropStage(detector, new FaceCropStageOptions());
        var calibrationInputs = calibration.Select(e => Pixels(e.Path, graph, stage)).ToArray();
        var testInputs = test.Select(e => Pixels(e.Path, graph, stage)).ToArray();
        Console.WriteLine($"Quantization of {floatSpec.Id} ({graph.Path}): {tensors.Count} tensors calibrated on the face crops of {calibration.Length} mask-sample images (min/max), compared on {test.Length} others; {Environment.ProcessorCount} cores, ONNX Runtime threads 1 and 2");

        var ranges = Measure(folded, tensors, calibrationInputs, percentile);
        if (write is not null)
        {
            // Written beside and renamed, so a failed run leaves the shipped file as it was.
            File.WriteAllText(write + ".tmp", ranges.ToJson(string.Create(CultureInfo.InvariantCulture,
                $"bench quantize --percentile {percentile}: {(percentile >= 100 ? "min and max" : $"the {100 - percentile:0.#####} % and {percentile} % points (every {Stride}th value)")} of each tensor over {calibration.Length} mask-sample images (every other one of {n} spread over both classes), face crops as training cuts them ({stage.CacheKey}), resized to {graph.InputWidth}x{graph.InputHeight}, through the pixel graph of {floatSpec.Id} ({Path.GetFileName(graph.Path)}) with BatchNormalization folded")));
            File.Move(write + ".tmp", write, overwrite: true);
            Console.WriteLine($"wrote {write} ({ranges.Tensors.Count} ranges, fingerprint {ranges.Fingerprint})");
        }

        var quantized = Int8Quantizer.Quantize(folded, ranges, graph.Path);
        var floatBytes = File.ReadAllBytes(graph.Path);
        Console.WriteLine();
        Console.WriteLine("| threads | float ms/image | int8 ms/image | speed-up | cosine mean | cosine min |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int threads in new[] { 1, 2 })
        {
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            using var fp = new InferenceSession(floatBytes, options);
            using var q8 = new InferenceSession(quantized, options);
            var fpTimes = new List<double>();
            var q8Times = new List<double>();
            double cosSum = 0, cosMin = 1;
            for (int r = 0; r < rounds; r++)
            {
                foreach (var input in testInputs)
                {
                    var (a, ta) = Forward(fp, input, graph);
                    var (b, tb) = Forward(q8, input, graph);
                    fpTimes.Add(ta);
                    q8Times.Add(tb);
                    if (r == 0)
                    {
                        double c = TensorPrimitives.CosineSimilarity(a, b);
                        cosSum += c;
                        cosMin = Math.Min(cosMin, c);
                    }
                }
            }

            double mf = Median(fpTimes), mq = Median(q8Times);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {threads} | {mf:0.0} | {mq:0.0} | {mf / mq:0.00}x | {cosSum / testInputs.Length:0.0000} | {cosMin:0.0000} |"));
        }

        if (ModelCatalog.Default.TryGet(int8Id, out var int8Spec) && int8Spec.Int8Ranges is not null && write is null)
        {
            using var int8 = BackboneFeaturizer.Create(int8Spec, store);
            var embedded = Int8Ranges.Embedded(int8Spec.Int8Ranges);
            using var here = new InferenceSession(embedded.Fingerprint == ranges.Fingerprint ? quantized : Int8Quantizer.Quantize(folded, embedded, graph.Path));
            double worst = 0;
            foreach (var e in test.Take(20))
            {
                using var image = ImageCodec.Read(e.Path);
                var ours = int8.Featurize(image);
                var (bare, _) = Forward(here, Pixels(e.Path, graph, null), graph);
                for (int i = 0; i < ours.Length; i++)
                {
                    worst = Math.Max(worst, Math.Abs(ours[i] - bare[i]));
                }
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"catalog '{int8Id}' (embedded {int8Spec.Int8Ranges}, fingerprint {embedded.Fingerprint}{(embedded.Fingerprint == ranges.Fingerprint ? ", the ranges measured now" : ", not the ranges measured now")}): its featurizer against the graph quantized here, 20 images: max |difference| {worst:G3} ({int8.Graph.Path})"));
        }
    }

    /// <summary>Min and max of each tensor over the images, through the folded float graph with the tensors as extra outputs.</summary>
    private static Int8Ranges Measure(ModelProto folded, IReadOnlyList<string> tensors, float[][] inputs, double percentile)
    {
        var probe = folded.Clone();
        foreach (var t in tensors)
        {
            probe.Graph.Output.Add(new ValueInfoProto { Name = t, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        }

        var min = tensors.ToDictionary(t => t, _ => float.MaxValue);
        var max = tensors.ToDictionary(t => t, _ => float.MinValue);
        var kept = tensors.ToDictionary(t => t, _ => new List<float>());
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(probe));
        string inputName = session.InputMetadata.Keys.First();
        int side = (int)Math.Sqrt(inputs[0].Length / 3);
        foreach (var input in inputs)
        {
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, [1, 3, side, side]))]);
            foreach (var r in results)
            {
                if (!min.ContainsKey(r.Name))
                {
                    continue;
                }

                int k = 0;
                foreach (var v in r.AsEnumerable<float>())
                {
                    min[r.Name] = Math.Min(min[r.Name], v);
                    max[r.Name] = Math.Max(max[r.Name], v);
                    if (percentile < 100 && k++ % Stride == 0)
                    {
                        kept[r.Name].Add(v);
                    }
                }
            }
        }

        if (percentile >= 100)
        {
            return new Int8Ranges(tensors.ToDictionary(t => t, t => (min[t], max[t])));
        }

        // Every Stride-th value kept: the range from percentile (100 - p) to p of them, so that a few
        // extreme values do not spread the 256 levels over a range the rest never reaches.
        return new Int8Ranges(tensors.ToDictionary(t => t, t =>
        {
            var v = kept[t];
            v.Sort();
            int lo = (int)Math.Floor(v.Count * (100 - percentile) / 100), hi = Math.Min(v.Count - 1, (int)Math.Ceiling(v.Count * percentile / 100) - 1);
            return (v[lo], v[Math.Max(lo, hi)]);
        }));
    }

    private static (float[] Features, double Ms) Forward(InferenceSession session, float[] input, PixelGraph graph)
    {
        var tensor = new DenseTensor<float>(input, [1, 3, graph.InputHeight, graph.InputWidth]);
        var watch = Stopwatch.StartNew();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(graph.InputName, tensor)]);
        var features = results.First(r => r.Name == graph.OutputName).AsEnumerable<float>().ToArray();
        return (features, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>The image, or its face crop through <paramref name="stage"/>, as the pixel graph's input.</summary>
    private static float[] Pixels(string path, PixelGraph graph, FaceCropStage? stage)
    {
        using var image = ImageCodec.Read(path);
        var pixels = new float[graph.ElementsPerImage];
        if (stage is null)
        {
            InputTensor.WritePixels(image, graph, pixels);
            return pixels;
        }

        using var crop = stage.Apply(image);
        InputTensor.WritePixels(crop.Image, graph, pixels);
        return pixels;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
