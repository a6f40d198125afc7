using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Model;
using MaskTrainer.Models;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Bench;

/// <summary>
/// Issue #6 realism study: are synthetic masks real enough to train on? The bare faces of
/// mask-sample are split in two seeded halves A and B, the real masked faces in halves C and D.
/// <list type="bullet">
/// <item>Synthetic model: trained on A plus masks drawn on A's faces (synth-masks on A only).
/// Scored on B plus all 600 real masked faces, none of which it has seen (targets: with_mask
/// recall ≥ 0.85, accuracy ≥ 0.90), and on B + D.</item>
/// <item>Real-mask model, for comparison: trained on A plus C; scored on B + D.</item>
/// </list>
/// Both go through the same training pipeline with its defaults (face crop, the default backbone
/// (resnet18-int8 since session 10; resnet18 when the study was run), the pipeline's default ML.NET head, SdcaMaximumEntropy) and are scored from their saved zips
/// (<see cref="MaskModel.Load(string, int)"/>, <see cref="MaskEvaluation"/>); features are cached in
/// the work folder, so a second run is fast.
/// Usage: Run([--data DIR] [--work DIR] [--seed N] [--masks-per-face N] [--crop-detector ID] [--max-turn X] [--min-face-inside X] [--min-mask-inside X] [--jpeg-quality Q] [--augment N] [--models-dir DIR]).
/// </summary>
public static class SynthRealismBenchmark
{
    public static void Run(string[] args)
    {
        string data = Arg(args, "--data") ?? FindShared("data/mask-sample")
            ?? throw new DirectoryNotFoundException("mask-sample not found: pass --data DIR (with with_mask/ and without_mask/)");
        string work = Path.GetFullPath(Arg(args, "--work") ?? Path.Combine(Path.GetTempPath(), "masktrainer-synth-realism"));
        int seed = int.Parse(Arg(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
        int perFace = int.Parse(Arg(args, "--masks-per-face") ?? "1", CultureInfo.InvariantCulture);
        string detector = Arg(args, "--crop-detector") ?? new MaskTrainingOptions().FaceDetector;
        int quality = int.Parse(Arg(args, "--jpeg-quality") ?? new MaskSynthesisOptions().JpegQuality.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int augment = int.Parse(Arg(args, "--augment") ?? "0", CultureInfo.InvariantCulture);
        var screening = new FaceScreeningOptions();
        screening = screening with
        {
            MaxTurn = Number(args, "--max-turn", screening.MaxTurn),
            MinFaceInside = Number(args, "--min-face-inside", screening.MinFaceInside),
            MinMaskInside = Number(args, "--min-mask-inside", screening.MinMaskInside),
        };
        var modelsDirs = new List<string>();
        if ((Arg(args, "--models-dir") ?? FindShared("models")) is { } m)
        {
            modelsDirs.Add(m);
        }

        var clock = Stopwatch.StartNew();
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment(modelsDirs));
        var bare = Halves(MaskSynthesizer.ListImages(Path.Combine(data, "without_mask")), seed);
        var masked = Halves(MaskSynthesizer.ListImages(Path.Combine(data, "with_mask")), seed + 1);
        Console.WriteLine($"Synthetic-mask realism: {data}, seed {seed}, training crops by {detector}; bare faces A {bare.A.Count} / B {bare.B.Count}, real masked faces C {masked.A.Count} / D {masked.B.Count}");
        Reset(work);

        // 1. Masks drawn on half A only.
        string facesA = Folder(work, "faces-A", ("", bare.A));
        var synthClock = Stopwatch.StartNew();
        MaskSynthesisReport synth;
        using (var synthesizer = MaskSynthesizer.Create(store, new MaskSynthesisOptions { Seed = seed, MasksPerFace = perFace, Screening = screening, JpegQuality = quality }))
        {
            synth = synthesizer.Run(facesA, Path.Combine(work, "synth-A"));
        }

        var sk = synth.Skipped;
        Console.WriteLine($"synth-masks on A ({perFace} mask(s) per face): {synth.Pairs} pairs from {synth.Images} images in {synthClock.Elapsed.TotalSeconds:0.0} s; skipped {synth.SkippedFaces} (small {sk[SkipReason.TooSmall]}, turned {sk[SkipReason.TooTurned]}, border {sk[SkipReason.CutByBorder]}, no landmarks {sk[SkipReason.NoLandmarks]}), no face in {synth.ImagesWithoutFaces}; sheet {synth.ContactSheetPath}");
        var synthMasks = MaskSynthesizer.ListImages(Path.Combine(work, "synth-A", MaskSynthesizer.WithMaskFolder));

        // 2. Training sets: real bare A + synthetic masks of A; real bare A + real masks C.
        string trainSynth = Folder(work, "train-synthetic", ("without_mask", bare.A), ("with_mask", synthMasks));
        string trainReal = Folder(work, "train-real", ("without_mask", bare.A), ("with_mask", masked.A));
        string evalAll = Folder(work, "eval-B-allreal", ("without_mask", bare.B), ("with_mask", masked.A.Concat(masked.B).ToList()));
        string evalBD = Folder(work, "eval-B-D", ("without_mask", bare.B), ("with_mask", masked.B));

        using var synthetic = Train(trainSynth, work, "synthetic", seed, detector, augment, store);
        using var real = Train(trainReal, work, "real", seed, detector, augment, store);

        Console.WriteLine();
        Console.WriteLine("model                      eval set                      n     acc    with_mask recall  with_mask precision  without_mask recall");
        Report("synthetic masks (A+synth)", "B + all 600 real masked", Evaluate(synthetic, evalAll, work, store));
        Report("synthetic masks (A+synth)", "B + D (300 real masked)", Evaluate(synthetic, evalBD, work, store));
        Report("real masks (A+C)", "B + D (300 real masked)", Evaluate(real, evalBD, work, store));
        Console.WriteLine($"Targets (issue #6): synthetic model on B + all real masked: with_mask recall >= 0.85, accuracy >= 0.90. Total {clock.Elapsed.TotalMinutes:0.0} min.");
    }

    private static MaskModel Train(string dataDir, string work, string name, int seed, string detector, int augment, ModelStore store)
    {
        var options = new MaskTrainingOptions
        {
            DataDirectory = dataDir,
            OutputPath = Path.Combine(work, $"model-{name}.zip"),
            Workspace = Path.Combine(work, ".workspace"),
            WriteReport = false,
            FaceDetector = detector,
            Augmentation = new MaskTrainer.Augmentation.AugmentationOptions { Copies = augment },
            Seed = seed,
        };
        var run = new MaskTrainingPipeline(options, store).Run();
        var test = run.TestMetrics;
        Console.WriteLine($"trained '{name}' in {run.Elapsed.TotalSeconds:0} s: own test split acc {test.Accuracy:0.000}; faces found {run.Featurizing.FacesFound}, fallbacks {run.Featurizing.FaceFallbacks}");
        return MaskModel.Load(run.ModelPath);
    }

    private static ClassificationMetrics Evaluate(MaskModel model, string dataDir, string work, ModelStore store) =>
        MaskEvaluation.Evaluate(model, dataDir, store, Path.Combine(work, ".workspace")).Metrics;

    private static void Report(string model, string set, ClassificationMetrics m)
    {
        var with = m.PerClass["with_mask"];
        var without = m.PerClass["without_mask"];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model,-26} {set,-28} {m.Count,5}  {m.Accuracy,5:0.000}  {with.Recall,16:0.000}  {with.Precision,19:0.000}  {without.Recall,19:0.000}"));
    }

    /// <summary>Seeded shuffle, then halves (A gets the extra file of an odd count).</summary>
    private static (List<string> A, List<string> B) Halves(IReadOnlyList<string> files, int seed)
    {
        var shuffled = files.ToArray();
        new Random(seed).Shuffle(shuffled);
        int half = (shuffled.Length + 1) / 2;
        return (shuffled[..half].ToList(), shuffled[half..].ToList());
    }

    /// <summary>A folder of symbolic links (copies where links are not allowed), one sub-folder per class.</summary>
    private static string Folder(string work, string name, params (string Class, IReadOnlyList<string> Files)[] classes)
    {
        string root = Path.Combine(work, name);
        foreach (var (cls, files) in classes)
        {
            string dir = Path.Combine(root, cls);
            Directory.CreateDirectory(dir);
            for (int i = 0; i < files.Count; i++)
            {
                string link = Path.Combine(dir, $"{i:0000}_{Path.GetFileName(files[i])}");
                try
                {
                    File.CreateSymbolicLink(link, files[i]);
                }
                catch (IOException)
                {
                    File.Copy(files[i], link);
                }
            }
        }

        return root;
    }

    /// <summary>Clears everything but the feature cache, which is keyed by content and safe to reuse.</summary>
    private static void Reset(string work)
    {
        Directory.CreateDirectory(work);
        foreach (var dir in Directory.GetDirectories(work))
        {
            if (Path.GetFileName(dir) != ".workspace")
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static double Number(string[] args, string name, double fallback) =>
        Arg(args, name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string? FindShared(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                string path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", relative));
                return Directory.Exists(path) ? path : null;
            }
        }

        return null;
    }
}
