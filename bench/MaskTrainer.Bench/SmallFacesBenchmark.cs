using System.Globalization;
using MaskTrainer.Augmentation;
using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Models;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// The small-faces issue's figures for a trained model: is a face that is small, dim or far away
/// still judged on its mask? Three parts, each with its bar:
/// <list type="number">
/// <item><b>By size</b>: the model's test split of mask-sample (same seed and fractions), each
/// photo shrunk (area filter, as a sensor integrates) so its face box is 16/24/32/48/64 px wide,
/// then cut and classified exactly as the detector app does it (<see cref="FaceCropper"/> with the
/// model's policy, OpenCV's resize up to the backbone input, ML.NET PredictionEngine). The box is the
/// one training's crop stage finds at full size, scaled, so detector misses do not blur the classifier's
/// figure, and the full-size row is the training run's own test accuracy.</item>
/// <item><b>Real bare faces</b>: the 43 labelled faces of faces-dlib, each cut at the app
/// detector's best-matching box (the labelled box when it finds none), as photographed, darkened
/// (gamma 2.2) and at half resolution: share called without_mask.</item>
/// <item><b>Video</b>: Gituatu_nomask / Gituatu_mask, every frame, the app detector's most
/// confident face classified, at the file's size, 640x360, 320x180 and darkened: share of frames
/// with a face labelled with the video's class.</item>
/// </list>
/// Usage: bench small-faces --model ZIP [--data DIR] [--seed N] [--detector ID (the app's default, FaceDetectors.LiveId)] [--frames N]
/// </summary>
internal static class SmallFacesBenchmark
{
    public const string Usage = "bench small-faces --model ZIP | --train off|default|small-only|no-tone|no-cast|gentle|min16 [--augment N] [--l2 X] [--trainer NAME] [--workspace DIR]; [--data DIR] [--seed N] [--detector ID] [--frames N] [--misses DIR (the by-size crops it got wrong, as the model saw them)]";

    private static readonly int[] Widths = [8, 10, 12, 16, 20, 24, 32, 48, 64];

    public static void Run(string[] args)
    {
        var modelPath = BenchPaths.Option(args, "--model", "artifacts/mask-sample/mask_model.zip");
        var data = BenchPaths.Option(args, "--data", BenchPaths.Shared("data/mask-sample"));
        int seed = int.Parse(BenchPaths.Option(args, "--seed", "42"), CultureInfo.InvariantCulture);
        if (BenchPaths.Flag(args, "--train"))
        {
            modelPath = Train(args, data, seed);
        }

        int maxFrames = int.Parse(BenchPaths.Option(args, "--frames", "100000"), CultureInfo.InvariantCulture);
        // The detector app's default: the live detector every model records.
        var appDetector = BenchPaths.Option(args, "--detector", FaceDetectors.LiveId);

        using var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        using var model = MaskModel.Load(modelPath);
        using var predictor = new MaskPredictor(model);
        var policy = model.FaceCrop;
        Console.WriteLine($"# Small faces — model {modelPath} ({string.Join('/', model.Labels)}, backbone {model.Metadata.Backbone.Id}, crop detector {policy.DetectorId}, app detector {appDetector})");
        int mask = IndexOf(model.Labels, "with_mask"), bare = IndexOf(model.Labels, "without_mask");

        using (var cropDetector = FaceDetectors.Create(policy.DetectorId ?? FaceDetectors.DefaultId, store))
        {
            BySize(data, seed, cropDetector, predictor, BenchPaths.Flag(args, "--misses") ? Directory.CreateDirectory(BenchPaths.Option(args, "--misses", "misses")).FullName : null);
        }

        using var detector = FaceDetectors.Create(appDetector, store);
        RealBareFaces(BenchPaths.Shared("data/faces-dlib"), detector, predictor, bare);
        Videos(BenchPaths.Shared("data/videos"), detector, predictor, mask, bare, maxFrames);
    }

    /// <summary>
    /// The variants tried for the closing note, trained on <paramref name="data"/> with the defaults
    /// except: <c>--train off|default|small-only|no-tone|no-cast|gentle|min16</c> (camera effects), <c>--augment N</c>,
    /// <c>--l2 X</c>, <c>--trainer NAME</c>; features cached in <c>--workspace</c>.
    /// </summary>
    private static string Train(string[] args, string data, int seed)
    {
        var variant = BenchPaths.Option(args, "--train", "default");
        var camera = variant switch
        {
            "off" => CameraEffects.None,
            "default" => CameraEffects.Default,
            "small-only" => CameraEffects.None with { SmallFaceProbability = CameraEffects.Default.SmallFaceProbability },
            "no-tone" => CameraEffects.Default with { LowLightProbability = 0, ColourCastProbability = 0 },
            "no-cast" => CameraEffects.Default with { ColourCastProbability = 0 },
            "gentle" => CameraEffects.Default with { MinFaceWidth = 16, MaxNoiseSigma = 6, MinJpegQuality = 40, MinExposure = 0.5, MaxGamma = 2.2, MaxColourCast = 0.15 },
            "min16" => CameraEffects.Default with { MinFaceWidth = 16 },
            _ => throw new ArgumentException($"--train: unknown variant '{variant}' (off, default, small-only, no-tone, no-cast, gentle, min16)"),
        };
        var defaults = new MaskTrainingOptions();
        var root = Directory.CreateTempSubdirectory("mt-bench-small-").FullName;
        var options = defaults with
        {
            DataDirectory = data,
            OutputPath = Path.Combine(root, "mask_model.zip"),
            Workspace = BenchPaths.Option(args, "--workspace", Path.Combine(root, "workspace")),
            WriteReport = false,
            Seed = seed,
            Augmentation = defaults.Augmentation with
            {
                Camera = camera,
                Copies = int.Parse(BenchPaths.Option(args, "--augment", defaults.Augmentation.Copies.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
            },
            Head = defaults.Head with
            {
                L2 = float.Parse(BenchPaths.Option(args, "--l2", defaults.Head.L2.ToString("R", CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
                Trainer = Enum.Parse<TrainerKind>(BenchPaths.Option(args, "--trainer", defaults.Head.Trainer.ToString()), ignoreCase: true),
            },
        };
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        var run = new MaskTrainingPipeline(options, store).Run();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# trained variant '{variant}': {options.WithSeedApplied().Augmentation.Describe()}, L2 {options.Head.L2}, {options.Head.Trainer}: test accuracy {run.TestMetrics.MacroAccuracy:0.0000} → {options.OutputPath}"));
        return options.OutputPath;
    }

    private static void BySize(string data, int seed, IFaceDetector detector, MaskPredictor predictor, string? misses)
    {
        var dataset = ImageFolderDataset.Load(data);
        var test = DatasetSplitter.Split(dataset, new SplitOptions { Seed = seed }).Test;
        var policy = predictor.Model.FaceCrop;
        var rows = new (int Correct, int Total)[Widths.Length + 1, predictor.Labels.Count];
        int noFace = 0;
        // The training crop stage (padding, the face most inside the photo, the model's policy), so full size equals the test metric.
        var stage = new FaceCropStage(detector, new FaceCropStageOptions { Crop = policy.CropOptions, MinConfidence = policy.MinConfidence });
        foreach (var example in test)
        {
            using var image = ImageCodec.Read(example.Path);
            var found = stage.FindMainFace(image);
            var box = found?.Box ?? new Rect(0, 0, image.Cols, image.Rows);
            noFace += found is null ? 1 : 0;

            for (int w = 0; w <= Widths.Length; w++)
            {
                double scale = w == 0 ? 1 : Math.Min(1, (double)Widths[w - 1] / box.Width);
                using var small = scale < 1 ? BenchCv.Resized(image, new Size(Math.Max(1, (int)Math.Round(image.Cols * scale)), Math.Max(1, (int)Math.Round(image.Rows * scale))), InterpolationFlags.Area) : image.Clone();
                var scaled = new Rect((int)Math.Round(box.X * scale), (int)Math.Round(box.Y * scale), Math.Max(1, (int)Math.Round(box.Width * scale)), Math.Max(1, (int)Math.Round(box.Height * scale)));
                int predicted = Classify(predictor, small, scaled);
                if (misses is not null && predicted != example.LabelIndex)
                {
                    using var crop = FaceCropper.Crop(small, scaled, policy.CropOptions);
                    using var seen = predictor.ResizeForModel(crop);
                    ImageCodec.Write(Path.Combine(misses, $"{(w == 0 ? "full" : Widths[w - 1] + "px")}_{example.Label}_{Path.GetFileNameWithoutExtension(example.Path)}.png"), seen ?? crop);
                }

                ref var cell = ref rows[w, example.LabelIndex];
                cell.Total++;
                cell.Correct += predicted == example.LabelIndex ? 1 : 0;
            }
        }

        Console.WriteLine($"## By size: {test.Count} test photos (seed {seed}), {noFace} with no face found (the whole photo is the face box, as in training)");
        Console.WriteLine($"| face width | {string.Join(" | ", predictor.Labels.Select(l => l + " recall"))} | bar |");
        Console.WriteLine($"|---|{string.Concat(predictor.Labels.Select(_ => "---|"))}---|");
        for (int w = 0; w <= Widths.Length; w++)
        {
            double bar = w == 0 ? 0.99 : Widths[w - 1] switch { 32 => 0.95, 24 => 0.90, _ => double.NaN };
            var recalls = Enumerable.Range(0, predictor.Labels.Count).Select(c => Rate(rows[w, c].Correct, rows[w, c].Total)).ToArray();
            string verdict = double.IsNaN(bar) ? "" : $"≥ {bar:0.00}: {(recalls.All(r => r >= bar) ? "PASS" : "FAIL")}";
            Console.WriteLine($"| {(w == 0 ? "as photographed" : Widths[w - 1] + " px")} | {string.Join(" | ", recalls.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))} | {verdict} |");
        }

    }

    private static void RealBareFaces(string facesDlib, IFaceDetector detector, MaskPredictor predictor, int bare)
    {
        var labelled = LabelledFace.LoadCsv(Path.Combine(facesDlib, "annotations", "boxes.csv"));
        Console.WriteLine($"## Real bare faces: faces-dlib's labelled faces, cut at the {detector.Id} box that best matches (IoU ≥ {FaceMatch.DefaultIoU}), else at the labelled box");
        Console.WriteLine("| photos | faces | detected | called without_mask | bar |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, bar, transform) in new (string, double, Func<Mat, Mat>)[]
        {
            ("as photographed", 0.95, m => m.Clone()),
            ("darkened (gamma 2.2)", 0.90, Darken),
            ("half resolution", 0.90, m => BenchCv.Resized(m, new Size(m.Cols / 2, m.Rows / 2), InterpolationFlags.Area)),
        })
        {
            int faces = 0, detected = 0, called = 0;
            foreach (var (file, boxes) in labelled.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                using var original = ImageCodec.Read(Path.Combine(facesDlib, "images", file));
                using var image = transform(original);
                double scale = (double)image.Cols / original.Cols;
                var found = detector.Detect(image, null);
                foreach (var face in boxes)
                {
                    if (face.Ignore)
                    {
                        continue;
                    }

                    var box = new Rect((int)Math.Round(face.Box.X * scale), (int)Math.Round(face.Box.Y * scale), (int)Math.Round(face.Box.Width * scale), (int)Math.Round(face.Box.Height * scale));
                    var best = found.MaxBy(d => FaceBoxes.IoU(d.Box, box));
                    bool matched = best is not null && FaceBoxes.IoU(best.Box, box) >= FaceMatch.DefaultIoU;
                    faces++;
                    detected += matched ? 1 : 0;
                    called += Classify(predictor, image, matched ? best!.Box : box) == bare ? 1 : 0;
                }
            }

            double rate = Rate(called, faces);
            Console.WriteLine($"| {name} | {faces} | {detected} | {called} ({rate:0.000}) | ≥ {bar:0.00}: {(rate >= bar ? "PASS" : "FAIL")} |");
        }
    }

    private static void Videos(string folder, IFaceDetector detector, MaskPredictor predictor, int mask, int bare, int maxFrames)
    {
        Console.WriteLine($"## Video: every frame, {detector.Id}'s most confident face classified; share of frames with a face that get the video's label (bar ≥ 0.95)");
        Console.WriteLine("| video | size | frames | with a face | labelled right | bar |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (file, truth) in new[] { ("Gituatu_nomask.mp4", bare), ("Gituatu_mask.mp4", mask) })
        {
            foreach (var (name, width, dark) in new (string, int, bool)[] { ("as recorded", 0, false), ("640x360", 640, false), ("320x180", 320, false), ("darkened", 0, true) })
            {
                using var capture = VideoIo.OpenFile(Path.Combine(folder, file));
                using var frame = new Mat();
                int frames = 0, withFace = 0, right = 0;
                while (frames < maxFrames && capture.Read(frame) && !frame.Empty())
                {
                    frames++;
                    using var resized = width > 0 ? BenchCv.Resized(frame, new Size(width, width * 9 / 16), InterpolationFlags.Area) : null;
                    using var darkened = dark ? Darken(frame) : null;
                    var image = resized ?? darkened ?? frame;
                    var found = detector.Detect(image, null);
                    if (found.Count == 0)
                    {
                        continue;
                    }

                    withFace++;
                    right += Classify(predictor, image, found[0].Box) == truth ? 1 : 0;
                }

                double rate = Rate(right, withFace);
                Console.WriteLine($"| {file} | {name} | {frames} | {withFace} | {right} ({rate:0.000}) | {(rate >= 0.95 ? "PASS" : "FAIL")} |");
            }
        }
    }

    /// <summary>The label index the app would show for <paramref name="box"/>: cut with the model's policy, resized by OpenCV, PredictionEngine.</summary>
    private static int Classify(MaskPredictor predictor, Mat image, Rect box)
    {
        using var crop = FaceCropper.Crop(image, box, predictor.Model.FaceCrop.CropOptions);
        var scores = predictor.Predict(crop).Score;
        int best = 0;
        for (int c = 1; c < scores.Length; c++)
        {
            best = scores[c] > scores[best] ? c : best;
        }

        return best;
    }

    /// <summary>Gamma 2.2 darkening: a photo taken in poor light (mid-grey 128 → 56).</summary>
    private static Mat Darken(Mat image)
    {
        using var lut = new Mat(1, 256, MatType.CV_8UC1);
        for (int i = 0; i < 256; i++)
        {
            lut.Set(0, i, (byte)Math.Round(255 * Math.Pow(i / 255.0, 2.2)));
        }

        var dark = new Mat();
        Cv2.LUT(image, lut, dark);
        return dark;
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"the model has no '{label}' label (it has {string.Join(", ", labels)})");
    }

    private static double Rate(int part, int total) => total == 0 ? double.NaN : (double)part / total;
}
