using System.Globalization;
using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// Why framing robustness fails or holds: mask-sample images pasted onto faces-dlib photos
/// (as the training benchmark does), then for each detector and threshold, how often a
/// detection lies on the pasted face, and how often the crop stage's choice (largest face)
/// or the best-scoring face is the pasted one. Detection runs on the scene padded by 25%,
/// as <see cref="FaceCropStage"/> does.
/// Usage: bench framing [--ids a,b] [--thresholds t1,t2] [--limit N] [--seed N]
/// </summary>
internal static class FramingBenchmark
{
    public static void Run(string[] args)
    {
        var data = ImageFolderDataset.Load(BenchPaths.Option(args, "--data", BenchPaths.Shared("data/mask-sample")));
        int limit = int.Parse(BenchPaths.Option(args, "--limit", "100000"), CultureInfo.InvariantCulture);
        int seed = int.Parse(BenchPaths.Option(args, "--seed", "42"), CultureInfo.InvariantCulture);
        var ids = BenchPaths.Option(args, "--ids", "cascade,ensemble,blazeface-back,blazeface,ultraface,res10").Split(',');
        var thresholds = BenchPaths.Option(args, "--thresholds", "0.1,0.2,0.275,0.35,0.5")
            .Split(',').Select(t => float.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var examples = data.Examples.Take(limit).ToArray();
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        var detectors = ids.Select(id => FaceDetectors.Create(id, store)).ToArray();
        string? dump = args.Contains("--dump") ? BenchPaths.Option(args, "--dump", "") : null;
        int dumped = 0;
        var found = new List<(string Label, Rect Pasted, IReadOnlyList<DetectedFace>[] PerDetector)>();
        using (var scenes = new PastedScenes(BenchPaths.Shared("data/faces-dlib"), seed, Enum.Parse<BackgroundKind>(BenchPaths.Option(args, "--backgrounds", "People"))))
        {
            foreach (var e in examples)
            {
                using var face = ImageCodec.Read(e.Path);
                var (scene, pasted) = scenes.Next(face);
                using (scene)
                using (var padded = new Mat())
                {
                    int px = (int)Math.Round(scene.Cols * 0.25), py = (int)Math.Round(scene.Rows * 0.25);
                    Cv2.CopyMakeBorder(scene, padded, py, py, px, px, BorderTypes.Replicate);
                    var per = detectors.Select(d => (IReadOnlyList<DetectedFace>)d.Detect(padded, 0.05f)
                        .Select(f => f with { Box = new Rect(f.Box.X - px, f.Box.Y - py, f.Box.Width, f.Box.Height) }).ToArray()).ToArray();
                    found.Add((e.Label, pasted, per));
                    if (dump is not null && e.Label == data.Labels[0] && dumped < 40
                        && !per[0].Any(f => f.Score >= detectors[0].DefaultMinConfidence && PastedScenes.OnPasted(f.Box, pasted)))
                    {
                        Cv2.Rectangle(scene, pasted, new Scalar(0, 255, 0), 2);
                        foreach (var f in per[0].Where(f => f.Score >= 0.1f))
                        {
                            Cv2.Rectangle(scene, f.Box, new Scalar(0, 0, 255), 1);
                            Cv2.PutText(scene, f.Score.ToString("0.00", CultureInfo.InvariantCulture), new Point(f.Box.X, f.Box.Y + 12), HersheyFonts.HersheySimplex, 0.4, new Scalar(0, 0, 255));
                        }

                        Directory.CreateDirectory(dump);
                        ImageCodec.Write(Path.Combine(dump, $"{dumped++:00}.jpg"), scene);
                    }
                }
            }
        }

        Console.WriteLine($"# Framing analysis: {found.Count} mask-sample images pasted on faces-dlib photos (seed {seed})");
        Console.WriteLine("| detector | threshold | class | pasted face found | largest = pasted | best score = pasted | no face |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        for (int d = 0; d < detectors.Length; d++)
        {
            foreach (var t in thresholds)
            {
                foreach (var label in data.Labels)
                {
                    int n = 0, hit = 0, largest = 0, best = 0, none = 0;
                    foreach (var (l, pasted, per) in found)
                    {
                        if (l != label)
                        {
                            continue;
                        }

                        n++;
                        var kept = per[d].Where(f => f.Score >= t).ToArray();
                        if (kept.Length == 0)
                        {
                            none++;
                            continue;
                        }

                        hit += kept.Any(f => PastedScenes.OnPasted(f.Box, pasted)) ? 1 : 0;
                        largest += PastedScenes.OnPasted(kept.MaxBy(f => f.Box.Area)!.Box, pasted) ? 1 : 0;
                        best += PastedScenes.OnPasted(kept.MaxBy(f => f.Score)!.Box, pasted) ? 1 : 0;
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {ids[d]} | {t:0.###} | {label} | {hit / (double)n:0.000} | {largest / (double)n:0.000} | {best / (double)n:0.000} | {none / (double)n:0.000} |"));
                }
            }
        }

        foreach (var d in detectors)
        {
            d.Dispose();
        }
    }
}
