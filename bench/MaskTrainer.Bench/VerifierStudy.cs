using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Faces;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Bench;

/// <summary>
/// Study of second-stage face verifiers on the candidates of the fused detector (ensemble at a
/// 0.2 floor: the exact fused scores). Each candidate's box (grown 10% per side, replicated
/// border) goes through fr_landmark (64x64 grey, /256): its 68 points, the points on the
/// mirrored crop, and its 512-D embedding (Flatten_76). Variants: Procrustes residual to the
/// mean shape, flip inconsistency, and a logistic face/non-face head on the embedding scored by
/// 5-fold cross-validation (folds by image). dogs.jpg is never used for training or for the
/// mean shape. Parts of faces (session 15, docs/detector.md): boxes on eyes, ears and mouths,
/// the single detectors' narrow boxes on the mask-sample faces, and those faces shrunk far away,
/// for the variants logistic-emb-wide+parts (parts among the non-faces), -partsonly (faces
/// against parts), -min (the lower of -partsonly and logistic-emb-wide) and the one-hidden-layer
/// networks mlp-wide*; never in the shipped head. The video parts are folded by frame, so their
/// held-out figures are a little kind. Candidates and features are cached in --cache (default
/// /tmp/verifier-cache.bin; collected again when made by another version of the study or of the
/// detectors).
/// </summary>
public static class VerifierStudy
{
    private const int Points = 68;
    private const int Folds = 5;

    public static void Run(string[] args)
    {
        if (BenchPaths.Flag(args, "--time"))
        {
            Time();
            return;
        }

        string cache = BenchPaths.Option(args, "--cache", "/tmp/verifier-cache.bin");
        List<Candidate>? all = null;
        if (File.Exists(cache) && !BenchPaths.Flag(args, "--rebuild"))
        {
            all = Candidate.Load(cache);
            if (all is null)
            {
                Console.WriteLine($"{cache}: made by another version of the study or of the detectors; collecting again");
            }
        }

        if (all is null)
        {
            all = Collect();
            Candidate.Save(cache, all);
        }

        if (BenchPaths.Option(args, "--train-out", "") is { Length: > 0 } output)
        {
            TrainShipped(all, output);
            return;
        }

        Console.WriteLine($"candidates: {all.Count} ({string.Join(", ", all.GroupBy(c => c.Set).Select(g => $"{g.Key} {g.Count()} (face {g.Count(c => c.Label == 1)}, non-face {g.Count(c => c.Label == 0)})"))})");
        Analyse(all, args);
    }

    /// <summary>Extra cost per face: FaceVerifier.Likelihood on the 3 faces of the 640x480 speed frame, median of 5 rounds of 100 calls.</summary>
    private static void Time()
    {
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([BenchPaths.Shared("models")]));
        using var verifier = FaceVerifier.Create(store);
        using var detector = FaceDetectors.Create(FaceDetectors.CascadeId, store, new FaceDetectorOptions { VerifyFaces = false });
        using var raw = ImageCodec.Read(BenchPaths.Shared("data/faces-dlib/images/2008_002506.jpg"));
        using var frame = BenchCv.Resized(raw, new Size(640, 480));
        var faces = detector.Detect(frame);
        var rounds = new double[5];
        for (int r = 0; r < rounds.Length; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 100; i++)
            {
                verifier.Likelihood(frame, faces[i % faces.Count].Box);
            }

            rounds[r] = sw.Elapsed.TotalMilliseconds / 100;
        }

        Array.Sort(rounds);
        Console.WriteLine($"faces on the frame: {faces.Count}; verifier ms per face: median {rounds[2]:0.000}, best {rounds[0]:0.000}; load {File.ReadAllText("/proc/loadavg").Trim()}");
        var single = new float[faces.Count];
        var batched = new float[faces.Count];
        for (int i = 0; i < faces.Count; i++)
        {
            single[i] = verifier.Likelihood(frame, faces[i].Box);
        }

        for (int r = 0; r < rounds.Length; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 100; i++)
            {
                verifier.Likelihoods(frame, faces, batched);
            }

            rounds[r] = sw.Elapsed.TotalMilliseconds / 100 / faces.Count;
        }

        Array.Sort(rounds);
        double diff = single.Zip(batched, (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"batched, all {faces.Count} faces in one forward: ms per face median {rounds[2]:0.000}, best {rounds[0]:0.000}; max difference from one-by-one {diff:g3}");
        using var back = FaceDetectors.Create(BlazeFaceDetector.BackModelId, store);
        using var verified = FaceDetectors.Create(FaceDetectors.CascadeId, store);
        foreach (var (name, run) in new (string, Action)[]
        {
            ("blazeface-back alone", () => back.Detect(frame)),
            ("cascade, no verifier", () => detector.Detect(frame)),
            ("verifier batch only", () => verifier.Likelihoods(frame, faces, batched)),
            ("cascade + verifier", () => verified.Detect(frame)),
        })
        {
            for (int r = 0; r < rounds.Length; r++)
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < 100; i++)
                {
                    run();
                }

                rounds[r] = sw.Elapsed.TotalMilliseconds / 100;
            }

            Array.Sort(rounds);
            Console.WriteLine($"{name,-22} ms/frame median {rounds[2]:0.00}, best {rounds[0]:0.00}");
        }
    }

    // ---------------------------------------------------------------- collection

    /// <summary>FNV-1a of the name: the same seed in every process, unlike string.GetHashCode.</summary>
    private static int StableSeed(string name)
    {
        uint h = 2166136261;
        foreach (char c in name)
        {
            h = (h ^ c) * 16777619;
        }

        return (int)(h & 0x7fffffff);
    }

    private static List<Candidate> Collect()
    {
        string shared = BenchPaths.Shared("");
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([Path.Combine(shared, "models")]));
        // Candidates come from the fused score alone: the verifier being trained must not pick its own data.
        using var fused = FaceDetectors.Create(FaceDetectors.EnsembleId, store, new FaceDetectorOptions { VerifyFaces = false });
        using var landmark = new LandmarkProbe(Path.Combine(shared, "models", "fr_landmark.onnx"));
        var list = new List<Candidate>();
        string dlib = Path.Combine(shared, "data", "faces-dlib");
        var labels = LabelledFace.LoadCsv(Path.Combine(dlib, "annotations", "boxes.csv"));
        int fold = 0;
        foreach (var path in Directory.GetFiles(Path.Combine(dlib, "images"), "*.jpg").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            using var image = ImageCodec.Read(path);
            bool dogs = name == "dogs.jpg";
            labels.TryGetValue(name, out var truth);
            string set = dogs ? "dogs" : truth is null ? "dlib-unlabelled" : "dlib";
            int f = fold++ % Folds;
            foreach (var d in fused.Detect(image, 0.2f))
            {
                int label = dogs ? 0 : truth is null ? -1 : Matches(truth, d.Box, 0.4f) ? 1 : Overlaps(truth, d.Box, 0.2f) ? -1 : 0;
                list.Add(landmark.Describe(image, d.Box, set, name, f, d.Score, label));
            }

            if (truth is null || dogs)
            {
                continue;
            }

            // Training-only negatives: what the single models propose at low thresholds away
            // from every labelled face, and random background boxes. Score -1: never evaluated.
            foreach (var t in truth)
            {
                AddParts(list, landmark, image, t.Box, name, f, t.Ignore);
            }

            foreach (var id in new[] { "blazeface-back", "res10", "ultraface", "blazeface" })
            {
                using var member = FaceDetectors.Create(id, store);
                foreach (var d in member.Detect(image, id == "ultraface" ? 0.2f : 0.05f))
                {
                    if (!Overlaps(truth, d.Box, 0.1f) && d.Box.Width >= 8)
                    {
                        list.Add(landmark.Describe(image, d.Box, "neg-proposal", name, f, -1, 0));
                    }
                }
            }

            var rng = new Random(StableSeed(name)); // string.GetHashCode differs between runs
            int added = 0;
            for (int tries = 0; tries < 2000 && added < 60; tries++)
            {
                int size = (int)(Math.Min(image.Cols, image.Rows) * (0.08 + 0.5 * rng.NextDouble()));
                int h = (int)(size * (1.0 + 0.3 * rng.NextDouble()));
                var box = new Rect(rng.Next(0, Math.Max(1, image.Cols - size)), rng.Next(0, Math.Max(1, image.Rows - h)), size, h);
                if (!Overlaps(truth, box, 0.05f))
                {
                    list.Add(landmark.Describe(image, box, "neg-random", name, f, -1, 0));
                    added++;
                }
            }
        }

        // Single models at low thresholds, for the parts they box on the mask-sample faces.
        using var back = FaceDetectors.Create(BlazeFaceDetector.BackModelId, store);
        using var ultra = FaceDetectors.Create(UltraFaceDetector.ModelId, store);
        foreach (var (cls, set) in new[] { ("with_mask", "mask"), ("without_mask", "bare") })
        {
            var files = Directory.GetFiles(Path.Combine(shared, "data", "mask-sample", cls))
                .Where(p => p.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToArray();
            for (int i = 0; i < files.Length; i++)
            {
                using var raw = ImageCodec.Read(files[i]);
                int padX = (int)Math.Round(raw.Cols * 0.25), padY = (int)Math.Round(raw.Rows * 0.25);
                using var image = new Mat();
                Cv2.CopyMakeBorder(raw, image, padY, padY, padX, padX, BorderTypes.Replicate);
                var inner = new Rect(padX, padY, raw.Cols, raw.Rows);
                string name = Path.GetFileName(files[i]);
                bool any = false;
                Rect? face = null;
                foreach (var d in fused.Detect(image, 0.2f))
                {
                    // The images are face crops: a candidate covering much of the original
                    // image is the face; a small one elsewhere is of unknown kind.
                    int label = FaceBoxes.IoU(d.Box, inner) >= 0.25f ? 1 : -1;
                    list.Add(landmark.Describe(image, d.Box, set, $"{cls}/{name}", i % Folds, d.Score, label));
                    face ??= label == 1 ? d.Box : null; // best first: the face
                    any = true;
                }

                if (face is { } near)
                {
                    AddParts(list, landmark, image, near, $"{cls}/{name}", i % Folds, ignore: false);
                    // The same face far away (12-40 px wide): a part of a near face, grown and
                    // resized to 64x64, is as blurred as a far face, and the parts head must
                    // learn the difference, not the blur. Training-only (score -1).
                    var srng = new Random(StableSeed($"{cls}/{name}"));
                    double scale = (12 + 28 * srng.NextDouble()) / near.Width;
                    if (scale < 1)
                    {
                        using var small = new Mat();
                        Cv2.Resize(image, small, new Size(Math.Max(1, (int)Math.Round(image.Cols * scale)), Math.Max(1, (int)Math.Round(image.Rows * scale))), interpolation: InterpolationFlags.Area);
                        var box = new Rect((int)Math.Round(near.X * scale), (int)Math.Round(near.Y * scale), Math.Max(2, (int)Math.Round(near.Width * scale)), Math.Max(2, (int)Math.Round(near.Height * scale)));
                        list.Add(landmark.Describe(small, box, "small-face", $"{cls}/{name}", i % Folds, -1, 1));
                    }

                    // What the single models box on that face at low thresholds, much narrower
                    // than it: an eye, a lens, an ear, a logo on the mask. Not a face behind it
                    // (a camera could not see one there).
                    foreach (var d in back.Detect(image, 0.05f).Concat(ultra.Detect(image, 0.2f)))
                    {
                        if (d.Box.Width < PartWidth * near.Width && d.Box.Width >= 8 && near.Contains(FaceBoxes.Centre(d.Box)))
                        {
                            list.Add(landmark.Describe(image, d.Box, "neg-part-proposal", $"{cls}/{name}", i % Folds, -1, 0));
                        }
                    }
                }

                if (!any)
                {
                    list.Add(new Candidate(set, $"{cls}/{name}", i % Folds, default, -1, -1, [], [], [], [], []));
                }
            }
        }

        // Video frames: the face (a confident detection) as a positive, background boxes away
        // from it as negatives; every 10th frame.
        foreach (var name in new[] { "Gituatu_nomask.mp4", "Gituatu_mask.mp4" })
        {
            using var capture = VideoIo.OpenFile(Path.Combine(shared, "data", "videos", name));
            using var frame = new Mat();
            var rng = new Random(name.Length * 7919);
            for (int n = 0; capture.Read(frame) && !frame.IsEmpty; n++)
            {
                if (n % 10 != 0)
                {
                    continue;
                }

                var faces = fused.Detect(frame, 0.2f);
                if (faces.Count == 0)
                {
                    continue;
                }

                var face = faces[0].Box;
                int f = (n / 10) % Folds;
                list.Add(landmark.Describe(frame, face, "video-face", name, f, -1, 1));
                AddParts(list, landmark, frame, face, $"{name}#{n}", f, ignore: false);
                for (int k = 0, tries = 0; k < 6 && tries < 500; tries++)
                {
                    int size = (int)(face.Width * (0.5 + rng.NextDouble()));
                    var box = new Rect(rng.Next(0, Math.Max(1, frame.Cols - size)), rng.Next(0, Math.Max(1, frame.Rows - size)), size, (int)(size * 1.15));
                    if (FaceBoxes.IoU(box, face) < 0.05f)
                    {
                        list.Add(landmark.Describe(frame, box, "neg-video", name, f, -1, 0));
                        k++;
                    }
                }
            }
        }

        return list;
    }

    /// <summary>Parts narrower than this fraction of a face's width are mined as non-faces.</summary>
    private const float PartWidth = 0.45f;

    /// <summary>
    /// Training-only non-faces on a face of at least 40 px: a box on each eye (a lens), on each
    /// ear at the box's edge, and a small one on the mouth (a logo on a mask), each 0.2–0.4 of
    /// the face's width, placed with a seeded jitter. Score -1: never a detection.
    /// Boxes over both eyes or one half are not mined: some masked faces are boxed that way
    /// alone, and the face must still pass.
    /// </summary>
    private static void AddParts(List<Candidate> list, LandmarkProbe landmark, Mat image, Rect face, string name, int fold, bool ignore)
    {
        if (ignore || face.Width < 40)
        {
            return;
        }

        var rng = new Random(StableSeed(name) ^ face.X ^ (face.Y << 12));
        foreach (var (cx, cy) in new[] { (0.3, 0.4), (0.7, 0.4), (0.0, 0.45), (1.0, 0.45), (0.5, 0.72) })
        {
            double size = face.Width * (0.2 + 0.2 * rng.NextDouble());
            double jx = (rng.NextDouble() - 0.5) * 0.1 * face.Width, jy = (rng.NextDouble() - 0.5) * 0.1 * face.Height;
            double h = size * (1.0 + 0.25 * rng.NextDouble());
            var box = new Rect((int)(face.X + cx * face.Width + jx - size / 2), (int)(face.Y + cy * face.Height + jy - h / 2), (int)size, (int)h);
            list.Add(landmark.Describe(image, box, "neg-part", name, fold, -1, 0));
        }
    }

    private static bool Matches(IReadOnlyList<LabelledFace> truth, Rect box, float iou) =>
        truth.Any(t => !t.Ignore && FaceBoxes.IoU(t.Box, box) >= iou);

    private static bool Overlaps(IReadOnlyList<LabelledFace> truth, Rect box, float iou) =>
        truth.Any(t => FaceBoxes.IoU(t.Box, box) >= iou || box.Contains(new Rect(t.Box.X + t.Box.Width / 2, t.Box.Y + t.Box.Height / 2, 1, 1)));

    // ---------------------------------------------------------------- analysis

    private static void Analyse(List<Candidate> all, string[] args)
    {
        var detected = all.Where(c => c.Score >= 0).ToList();
        // Variant A: Procrustes residual to the mean shape of the training faces (video + dlib).
        var meanShape = MeanShape(all.Where(c => c.Label == 1 && (c.Set == "video-face" || c.Set == "dlib")).Select(c => c.Pts));
        var variants = new Dictionary<string, Func<Candidate, double>>
        {
            ["procrustes"] = c => -Procrustes(c.Pts, meanShape),
            ["flip"] = c => -FlipInconsistency(c.Pts, c.PtsFlip),
            ["procrustes-flip-mean"] = c => -Procrustes(MeanOfFlip(c.Pts, c.PtsFlip), meanShape),
        };

        string only = BenchPaths.Option(args, "--only", "");
        bool Wanted(string name) => name.StartsWith(only, StringComparison.Ordinal);
        bool partsHead = Wanted("logistic-emb-wide-partsonly") || Wanted("logistic-emb-wide-min");

        // Variant C: logistic head on the embedding, 5-fold CV (the candidate's own fold is held out).
        // Face parts as non-faces (the neg-part sets) in training or not; always in the held-out scores.
        foreach (var (name, features, parts) in new (string, Func<Candidate, float[]>, bool)[]
        {
            ("logistic-emb", c => c.Emb, false),
            ("logistic-emb-wide", c => c.EmbWide, false),
            ("logistic-emb-wide+parts", c => c.EmbWide, true),
            ("logistic-emb-m20", c => c.Margins[..512], false),
            ("logistic-emb-m45", c => c.Margins[512..1024], false),
            ("logistic-emb-m20+m45", c => c.Margins[..1024], false),
        })
        {
            if (!Wanted(name) && !(partsHead && name == "logistic-emb-wide"))
            {
                continue;
            }

            var scores = CrossValidated(all, features, c => parts || !ForPartsHead(c), out var dogScores);
            variants[name] = c => c.Set == "dogs" ? dogScores[c] : scores.TryGetValue(c, out var s) ? s : double.NaN;
        }

        // A small network (one hidden layer) in place of the logistic head: can one nonlinear head
        // hold the parts and the background apart from faces? With and without the parts sets.
        foreach (var (name, parts, epochs, l2) in new[] { ("mlp-wide", true, 40, 1e-4f), ("mlp-wide-noparts", false, 40, 1e-4f), ("mlp-wide-e10", true, 10, 1e-4f), ("mlp-wide-l2", true, 40, 1e-2f) })
        {
            if (Wanted(name))
            {
                var scores = CrossValidated(all, c => c.EmbWide, c => parts || !ForPartsHead(c), (x, y) => Mlp.Train(x, y, epochs: epochs, l2: l2).Predict, out var dogScores);
                variants[name] = c => c.Set == "dogs" ? dogScores[c] : scores.TryGetValue(c, out var s) ? s : double.NaN;
            }
        }

        // A second head for parts alone (faces against face parts), and the lower of it and the
        // shipped recipe's head (logistic-emb-wide), both scored out of fold.
        if (partsHead)
        {
            var partScores = CrossValidated(all, c => c.EmbWide, c => c.Label == 1 || IsPart(c), out var partDogs);
            double Part(Candidate c) => c.Set == "dogs" ? partDogs[c] : partScores.TryGetValue(c, out var s) ? s : double.NaN;
            var wide = variants["logistic-emb-wide"];
            variants["logistic-emb-wide-partsonly"] = Part;
            variants["logistic-emb-wide-min"] = c => Math.Min(Part(c), wide(c));
        }

        foreach (var (name, verify) in variants)
        {
            if (!Wanted(name))
            {
                continue;
            }

            Console.WriteLine();
            Console.WriteLine($"## {name}");
            Distribution(detected, verify);
            PassRates(all, verify);
            if (BenchPaths.Flag(args, "--summary"))
            {
                Summary(all, detected, verify);
            }
            else if (BenchPaths.Flag(args, "--grid"))
            {
                Grid(all, detected, verify);
            }
            else
            {
                Sweep(all, detected, verify);
            }
        }
    }

    private static bool IsPart(Candidate c) => c.Set.StartsWith("neg-part", StringComparison.Ordinal);

    /// <summary>Made for the parts head alone: the parts, and the faces shrunk far away.</summary>
    private static bool ForPartsHead(Candidate c) => IsPart(c) || c.Set == "small-face";

    /// <summary>Share of each set's labelled boxes at or above each bar (the live ones: 0.015, and 0.03 for the second passes), scored by a head that did not see their fold (dogs.jpg: by one never trained on it).</summary>
    private static void PassRates(List<Candidate> all, Func<Candidate, double> verify)
    {
        double[] bars = [1e-4, 1e-3, 0.003, 0.015, 0.03, 0.1];
        Console.WriteLine("| set | label | n | " + string.Join(" | ", bars.Select(b => $"≥ {b.ToString(CultureInfo.InvariantCulture)}")) + " |");
        Console.WriteLine("|---|---|---|" + string.Concat(bars.Select(_ => "---|")));
        foreach (var g in all.Where(c => c.Label >= 0 && c.EmbWide.Length > 0).GroupBy(c => (c.Set, c.Label)).OrderBy(g => g.Key.Label).ThenBy(g => g.Key.Set, StringComparer.Ordinal))
        {
            var v = g.Select(verify).Where(x => !double.IsNaN(x)).ToArray();
            string Share(double bar) => (v.Count(x => x >= bar) / (double)Math.Max(1, v.Length)).ToString("0.000", CultureInfo.InvariantCulture);
            Console.WriteLine($"| {g.Key.Set} | {g.Key.Label} | {v.Length} | " + string.Join(" | ", bars.Select(Share)) + " |");
        }
    }

    private static void Distribution(List<Candidate> detected, Func<Candidate, double> verify)
    {
        foreach (var group in new[] { "dogs", "dlib", "mask", "bare" })
        {
            foreach (int label in new[] { 1, 0 })
            {
                var v = detected.Where(c => c.Set == group && c.Label == label && c.Score >= 0.2f).Select(verify).Order().ToArray();
                if (v.Length == 0)
                {
                    continue;
                }

                string q(double p) => v[Math.Min(v.Length - 1, (int)(p * v.Length))].ToString("0.000", CultureInfo.InvariantCulture);
                Console.WriteLine($"{group} label {label}: n={v.Length} min {v[0]:0.000} p1 {q(0.01)} p2 {q(0.02)} p5 {q(0.05)} p50 {q(0.5)} max {v[^1]:0.000}");
            }
        }

        foreach (var c in detected.Where(c => c.Set == "dogs"))
        {
            Console.WriteLine($"  dog candidate {c.Box} fused {c.Score:0.000} verifier {verify(c):0.000}");
        }
    }

    private static void Sweep(List<Candidate> all, List<Candidate> detected, Func<Candidate, double> verify)
    {
        string shared = BenchPaths.Shared("");
        var labels = LabelledFace.LoadCsv(Path.Combine(shared, "data", "faces-dlib", "annotations", "boxes.csv"));
        var verdict = detected.ToDictionary(c => c, verify);
        var levels = verdict.Values.Where(v => !double.IsNaN(v)).Order().ToArray();
        var grid = Enumerable.Range(0, 41).Select(i => levels[Math.Min(levels.Length - 1, (int)(i / 40.0 * 0.5 * levels.Length))]).Distinct().ToArray();
        Console.WriteLine("| t | v | dlib recall | dlib FP | dogs | with_mask | without_mask | all bars |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var t in new[] { 0.2f, 0.225f, 0.25f, 0.275f, 0.3f })
        {
            foreach (var v in grid.Prepend(double.NegativeInfinity))
            {
                bool Keep(Candidate c) => c.Score >= t && verdict[c] >= v;
                var match = default(FaceMatch);
                foreach (var g in detected.Where(c => c.Set == "dlib").GroupBy(c => c.Image))
                {
                    match += FaceMatch.Compare(labels[g.Key], g.Where(Keep).Select(c => new DetectedFace(c.Box, c.Score)).ToArray());
                }

                foreach (var (image, truth) in labels)
                {
                    if (!detected.Any(c => c.Set == "dlib" && c.Image == image))
                    {
                        match += FaceMatch.Compare(truth, []);
                    }
                }

                int dogs = detected.Count(c => c.Set == "dogs" && Keep(c));
                double Rate(string set)
                {
                    // Denominator: every image of the set, also those with no candidate at all.
                    var images = all.Where(c => c.Set == set).GroupBy(c => c.Image).ToArray();
                    return images.Count(g => g.Any(c => c.Score >= 0 && Keep(c))) / (double)images.Length;
                }

                double wm = Rate("mask"), wo = Rate("bare");
                bool ok = match.Recall >= 0.95 && dogs == 0 && wm >= 0.97 && wo >= 0.99;
                if (ok || double.IsNegativeInfinity(v) || verdict.Values.Count(x => x < v) % 1 == 0 && Array.IndexOf(grid, v) % 4 == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {t:0.###} | {(double.IsNegativeInfinity(v) ? "none" : v.ToString("0.000", CultureInfo.InvariantCulture))} | {match.Recall:0.000} | {match.FalsePositives} | {dogs} | {wm:0.000} | {wo:0.000} | {(ok ? "YES" : "")} |"));
                }
            }
        }
    }

    /// <summary>Bars held (Y) or which failed (r recall, d dogs, m with_mask, b without_mask) per detection threshold t and verifier threshold v.</summary>
    private static void Grid(List<Candidate> all, List<Candidate> detected, Func<Candidate, double> verify)
    {
        string shared = BenchPaths.Shared("");
        var labels = LabelledFace.LoadCsv(Path.Combine(shared, "data", "faces-dlib", "annotations", "boxes.csv"));
        var verdict = detected.ToDictionary(c => c, verify);
        double[] vs = [0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1];
        Console.WriteLine("| t \\ v | " + string.Join(" | ", vs.Select(v => v.ToString(CultureInfo.InvariantCulture))) + " |");
        foreach (var t in new[] { 0.2f, 0.225f, 0.25f, 0.275f, 0.3f, 0.325f, 0.35f })
        {
            var cells = new List<string>();
            foreach (var v in vs)
            {
                bool Keep(Candidate c) => c.Score >= t && verdict[c] >= v;
                var match = default(FaceMatch);
                foreach (var (image, truth) in labels)
                {
                    match += FaceMatch.Compare(truth, detected.Where(c => c.Set == "dlib" && c.Image == image && Keep(c)).Select(c => new DetectedFace(c.Box, c.Score)).ToArray());
                }

                int dogs = detected.Count(c => c.Set == "dogs" && Keep(c));
                double Rate(string set)
                {
                    // Denominator: every image of the set, also those with no candidate at all.
                    var images = all.Where(c => c.Set == set).GroupBy(c => c.Image).ToArray();
                    return images.Count(g => g.Any(c => c.Score >= 0 && Keep(c))) / (double)images.Length;
                }

                double wm = Rate("mask"), wo = Rate("bare");
                string fail = (match.Recall >= 0.95 ? "" : "r") + (dogs == 0 ? "" : "d") + (wm >= 0.97 ? "" : "m") + (wo >= 0.99 ? "" : "b");
                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{(fail == "" ? "Y" : fail)} {wm:0.000}/{match.FalsePositives}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {t} | ") + string.Join(" | ", cells) + " |");
        }
    }

    /// <summary>
    /// The shipped head: the verifier's embedding, every labelled face and non-face except
    /// dogs.jpg and the study's parts-head sets, same training as the cross-validated variant;
    /// standardisation folded into the weights. Deterministic (fixed data order, full-batch
    /// gradient descent).
    /// </summary>
    private static void TrainShipped(List<Candidate> all, string output)
    {
        var train = all.Where(c => c.Label >= 0 && c.Set != "dogs" && c.EmbWide.Length > 0 && !ForPartsHead(c)).ToList();
        var model = Logistic.Train(train.Select(c => c.EmbWide).ToArray(), train.Select(c => c.Label == 1).ToArray());
        var (weights, bias) = model.Folded();
        var head = new FaceVerifierHead(weights, bias);
        var notes = new Dictionary<string, string>
        {
            ["comment"] = "Logistic face/non-face head of Faces/FaceVerifier on fr_landmark's Flatten_76 embedding (box grown 30% per side, squared, grey 64x64). Made by: dotnet run -c Release --project bench/MaskTrainer.Bench -- verifier --rebuild --train-out src/MaskTrainer.Core/Faces/face-verifier.json. Do not edit by hand.",
            ["trainedOn"] = string.Create(CultureInfo.InvariantCulture,
                $"{train.Count(c => c.Label == 1)} faces (mask-sample with_mask and without_mask detections, faces-dlib labelled faces, video frames) and {train.Count(c => c.Label == 0)} non-faces (detector false proposals and random boxes on faces-dlib photos, video backgrounds). faces-dlib dogs.jpg is held out."),
            ["training"] = "features standardised; L2 1e-2; 400 full-batch gradient steps of 0.5; classes weighted to balance; standardisation folded into weights",
        };
        File.WriteAllText(output, head.ToJson(notes) + "\n");
        Console.WriteLine($"wrote {output}: {weights.Length} weights, trained on {train.Count} boxes");
    }

    /// <summary>
    /// Per detection threshold: the verifier threshold (over every distinct verifier score) that
    /// keeps the most masked images with no dog, recall ≥ 0.95, without_mask ≥ 0.99, and the
    /// range of verifier thresholds in which all bars hold.
    /// </summary>
    private static void Summary(List<Candidate> all, List<Candidate> detected, Func<Candidate, double> verify)
    {
        string shared = BenchPaths.Shared("");
        var labels = LabelledFace.LoadCsv(Path.Combine(shared, "data", "faces-dlib", "annotations", "boxes.csv"));
        var verdict = detected.ToDictionary(c => c, verify);
        var levels = verdict.Values.Where(v => !double.IsNaN(v)).Order().Distinct().Where((_, i) => i % 3 == 0).Prepend(double.NegativeInfinity).ToArray();
        var images = new Dictionary<string, List<Candidate>[]>();
        foreach (var set in new[] { "mask", "bare" })
        {
            images[set] = all.Where(c => c.Set == set).GroupBy(c => c.Image).Select(g => g.Where(c => c.Score >= 0).ToList()).ToArray().ToArray();
        }

        foreach (var t in new[] { 0.2f, 0.225f, 0.25f, 0.275f })
        {
            (double V, double Recall, int Fp, int Dogs, double Wm, double Wo)? best = null;
            double lo = double.NaN, hi = double.NaN;
            foreach (var v in levels)
            {
                bool Keep(Candidate c) => c.Score >= t && !(verdict[c] < v);
                var match = default(FaceMatch);
                foreach (var (image, truth) in labels)
                {
                    match += FaceMatch.Compare(truth, detected.Where(c => c.Set == "dlib" && c.Image == image && Keep(c)).Select(c => new DetectedFace(c.Box, c.Score)).ToArray());
                }

                int dogs = detected.Count(c => c.Set == "dogs" && Keep(c));
                double wm = images["mask"].Count(g => g.Any(Keep)) / (double)images["mask"].Length;
                double wo = images["bare"].Count(g => g.Any(Keep)) / (double)images["bare"].Length;
                if (dogs == 0 && match.Recall >= 0.95 && wo >= 0.99 && (best is null || wm > best.Value.Wm))
                {
                    best = (v, match.Recall, match.FalsePositives, dogs, wm, wo);
                }

                if (dogs == 0 && match.Recall >= 0.95 && wo >= 0.99 && wm >= 0.97)
                {
                    lo = double.IsNaN(lo) ? v : lo;
                    hi = v;
                }
            }

            Console.WriteLine(best is { } b
                ? string.Create(CultureInfo.InvariantCulture, $"| t {t} | best v {b.V:0.####} | {b.Recall:0.000} | {b.Fp} | {b.Dogs} | {b.Wm:0.000} | {b.Wo:0.000} | all bars for v in [{lo:0.####}, {hi:0.####}] |")
                : string.Create(CultureInfo.InvariantCulture, $"| t {t} | no verifier threshold gives 0 dogs with recall and without_mask bars |"));
        }
    }

    /// <summary>The logistic head, cross-validated (<see cref="CrossValidated(List{Candidate}, Func{Candidate, float[]}, Func{Candidate, bool}, Func{float[][], bool[], Func{float[], double}}, out Dictionary{Candidate, double})"/>).</summary>
    private static Dictionary<Candidate, double> CrossValidated(List<Candidate> all, Func<Candidate, float[]> features, Func<Candidate, bool> include, out Dictionary<Candidate, double> dogScores) =>
        CrossValidated(all, features, include, (x, y) => Logistic.Train(x, y).Predict, out dogScores);

    /// <summary>
    /// Each candidate scored by a model <paramref name="fit"/> made without its fold, from the labelled
    /// faces and non-faces that <paramref name="include"/> takes (never dogs.jpg); dogs.jpg scored by the
    /// model made from all of them.
    /// </summary>
    private static Dictionary<Candidate, double> CrossValidated(List<Candidate> all, Func<Candidate, float[]> features, Func<Candidate, bool> include,
        Func<float[][], bool[], Func<float[], double>> fit, out Dictionary<Candidate, double> dogScores)
    {
        var train = all.Where(c => c.Label >= 0 && c.Set != "dogs" && c.Emb.Length > 0 && include(c)).ToList();
        Console.WriteLine($"training set: {train.Count(c => c.Label == 1)} faces, {train.Count(c => c.Label == 0)} non-faces");
        var scores = new Dictionary<Candidate, double>();
        for (int f = 0; f < Folds; f++)
        {
            var predict = fit(train.Where(c => c.Fold != f).Select(features).ToArray(), train.Where(c => c.Fold != f).Select(c => c.Label == 1).ToArray());
            foreach (var c in all.Where(c => c.Fold == f && c.Set != "dogs" && c.Emb.Length > 0))
            {
                scores[c] = predict(features(c));
            }
        }

        var full = fit(train.Select(features).ToArray(), train.Select(c => c.Label == 1).ToArray());
        dogScores = all.Where(c => c.Set == "dogs").ToDictionary(c => c, c => c.Emb.Length > 0 ? full(features(c)) : double.NaN);
        return scores;
    }

    /// <summary>
    /// One hidden layer of ReLUs on standardised features, a sigmoid out; class-weighted
    /// log-loss, L2, mini-batch Adam with a seeded order and initialisation: deterministic.
    /// </summary>
    private sealed class Mlp
    {
        private readonly float[] _mean, _std, _w1, _b1, _w2;
        private readonly float _b2;
        private readonly int _d, _h;

        private Mlp(float[] mean, float[] std, float[] w1, float[] b1, float[] w2, float b2, int d, int h) =>
            (_mean, _std, _w1, _b1, _w2, _b2, _d, _h) = (mean, std, w1, b1, w2, b2, d, h);

        public static Mlp Train(float[][] x, bool[] y, int hidden = 32, int epochs = 40, int batch = 64, float rate = 1e-3f, float l2 = 1e-4f)
        {
            int n = x.Length, d = x[0].Length;
            var (m, sd) = Moments(x);
            var mean = Array.ConvertAll(m, v => (float)v);
            var std = Array.ConvertAll(sd, v => (float)v);
            var z = x.Select(row => row.Select((v, j) => (v - mean[j]) / std[j]).ToArray()).ToArray();
            int pos = y.Count(v => v);
            float wPos = n / (2f * pos), wNeg = n / (2f * (n - pos));
            var rng = new Random(12345);
            float Gauss() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            var w1 = new float[hidden * d];
            for (int i = 0; i < w1.Length; i++) w1[i] = Gauss() * MathF.Sqrt(2f / d);
            var b1 = new float[hidden];
            var w2 = new float[hidden];
            for (int i = 0; i < hidden; i++) w2[i] = Gauss() * MathF.Sqrt(1f / hidden);
            float b2 = 0;
            var p = new[] { w1, b1, w2, new float[1] };
            var g = p.Select(a => new float[a.Length]).ToArray();
            var m1 = p.Select(a => new float[a.Length]).ToArray();
            var m2 = p.Select(a => new float[a.Length]).ToArray();
            var order = Enumerable.Range(0, n).ToArray();
            var hid = new float[hidden];
            int step = 0;
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                rng.Shuffle(order);
                for (int start = 0; start < n; start += batch)
                {
                    foreach (var a in g) Array.Clear(a);
                    int end = Math.Min(n, start + batch);
                    for (int k = start; k < end; k++)
                    {
                        var zi = z[order[k]];
                        bool yi = y[order[k]];
                        float sum = b2;
                        for (int j = 0; j < hidden; j++)
                        {
                            hid[j] = Math.Max(0, System.Numerics.Tensors.TensorPrimitives.Dot(new ReadOnlySpan<float>(w1, j * d, d), zi) + b1[j]);
                            sum += w2[j] * hid[j];
                        }

                        float prob = 1 / (1 + MathF.Exp(-sum));
                        float e = (prob - (yi ? 1 : 0)) * (yi ? wPos : wNeg);
                        g[3][0] += e;
                        for (int j = 0; j < hidden; j++)
                        {
                            g[2][j] += e * hid[j];
                            if (hid[j] > 0)
                            {
                                float gj = e * w2[j];
                                g[1][j] += gj;
                                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(zi, gj, new ReadOnlySpan<float>(g[0], j * d, d), new Span<float>(g[0], j * d, d));
                            }
                        }
                    }

                    step++;
                    float scale = 1f / (end - start);
                    for (int t = 0; t < p.Length; t++)
                    {
                        var (pt, gt, a, b) = (p[t], g[t], m1[t], m2[t]);
                        bool decay = t == 0 || t == 2;
                        float c1 = 1 - MathF.Pow(0.9f, step), c2 = 1 - MathF.Pow(0.999f, step);
                        for (int i = 0; i < pt.Length; i++)
                        {
                            float gi = gt[i] * scale + (decay ? l2 * pt[i] : 0);
                            a[i] = 0.9f * a[i] + 0.1f * gi;
                            b[i] = 0.999f * b[i] + 0.001f * gi * gi;
                            pt[i] -= rate * (a[i] / c1) / (MathF.Sqrt(b[i] / c2) + 1e-8f);
                        }
                    }

                    b2 = p[3][0];
                }
            }

            return new Mlp(mean, std, w1, b1, w2, b2, d, hidden);
        }

        public double Predict(float[] x)
        {
            Span<float> zi = stackalloc float[_d];
            for (int j = 0; j < _d; j++) zi[j] = (x[j] - _mean[j]) / _std[j];
            double sum = _b2;
            for (int j = 0; j < _h; j++)
            {
                sum += _w2[j] * Math.Max(0, System.Numerics.Tensors.TensorPrimitives.Dot(new ReadOnlySpan<float>(_w1, j * _d, _d), zi) + _b1[j]);
            }

            return 1 / (1 + Math.Exp(-sum));
        }
    }

    // ---------------------------------------------------------------- shapes

    // iBUG 68-point mirror: jaw, brows, nose, eyes, mouth.
    private static readonly int[] Mirror = BuildMirror();

    private static int[] BuildMirror()
    {
        var m = Enumerable.Range(0, Points).ToArray();
        void Pair(int a, int b)
        {
            m[a] = b;
            m[b] = a;
        }

        for (int i = 0; i <= 7; i++) Pair(i, 16 - i);
        for (int i = 17; i <= 21; i++) Pair(i, 43 - i);
        Pair(31, 35); Pair(32, 34);
        Pair(36, 45); Pair(37, 44); Pair(38, 43); Pair(39, 42); Pair(40, 47); Pair(41, 46);
        Pair(48, 54); Pair(49, 53); Pair(50, 52); Pair(55, 59); Pair(56, 58);
        Pair(60, 64); Pair(61, 63); Pair(65, 67);
        return m;
    }

    /// <summary>The flipped crop's points mapped back: x → 1 - x, indices mirrored.</summary>
    private static float[] Unflip(float[] flipped)
    {
        var r = new float[Points * 2];
        for (int i = 0; i < Points; i++)
        {
            r[Mirror[i] * 2] = 1 - flipped[i * 2];
            r[Mirror[i] * 2 + 1] = flipped[i * 2 + 1];
        }

        return r;
    }

    private static double FlipInconsistency(float[] pts, float[] flipped)
    {
        if (pts.Length == 0)
        {
            return double.NaN;
        }

        var u = Unflip(flipped);
        double sum = 0;
        for (int i = 0; i < Points; i++)
        {
            sum += Math.Sqrt(Sq(pts[i * 2] - u[i * 2]) + Sq(pts[i * 2 + 1] - u[i * 2 + 1]));
        }

        return sum / Points / Scale(pts);
    }

    private static float[] MeanOfFlip(float[] pts, float[] flipped)
    {
        if (pts.Length == 0)
        {
            return pts;
        }

        var u = Unflip(flipped);
        return pts.Select((p, i) => (p + u[i]) / 2).ToArray();
    }

    private static double Sq(double x) => x * x;

    private static double Scale(float[] pts)
    {
        double s = 0;
        double cx = 0, cy = 0;
        for (int i = 0; i < Points; i++) { cx += pts[i * 2]; cy += pts[i * 2 + 1]; }
        cx /= Points; cy /= Points;
        for (int i = 0; i < Points; i++) s += Sq(pts[i * 2] - cx) + Sq(pts[i * 2 + 1] - cy);
        return Math.Sqrt(s / Points);
    }

    /// <summary>Centred and scaled to unit norm.</summary>
    private static float[] Normalised(float[] pts)
    {
        if (pts.Length == 0)
        {
            return new float[Points * 2];
        }

        double cx = 0, cy = 0;
        for (int i = 0; i < Points; i++) { cx += pts[i * 2]; cy += pts[i * 2 + 1]; }
        cx /= Points; cy /= Points;
        double s = 0;
        for (int i = 0; i < Points; i++) s += Sq(pts[i * 2] - cx) + Sq(pts[i * 2 + 1] - cy);
        s = Math.Sqrt(s);
        var r = new float[Points * 2];
        for (int i = 0; i < Points; i++)
        {
            r[i * 2] = (float)((pts[i * 2] - cx) / s);
            r[i * 2 + 1] = (float)((pts[i * 2 + 1] - cy) / s);
        }

        return r;
    }

    private static float[] MeanShape(IEnumerable<float[]> shapes)
    {
        var sum = new double[Points * 2];
        int n = 0;
        foreach (var s in shapes)
        {
            var z = Normalised(s);
            for (int i = 0; i < sum.Length; i++) sum[i] += z[i];
            n++;
        }

        return Normalised(sum.Select(v => (float)(v / n)).ToArray());
    }

    /// <summary>Residual of the similarity Procrustes fit of <paramref name="pts"/> to the unit-norm <paramref name="mean"/>: sqrt(1 - |&lt;a, b&gt;|²) in complex form.</summary>
    private static double Procrustes(float[] pts, float[] mean)
    {
        if (pts.Length == 0)
        {
            return double.NaN;
        }

        var z = Normalised(pts);
        // Complex inner product <z, mean>: the best rotation+scale fit leaves 1 - |c|^2.
        double re = 0, im = 0;
        for (int i = 0; i < Points; i++)
        {
            double ax = z[i * 2], ay = z[i * 2 + 1], bx = mean[i * 2], by = mean[i * 2 + 1];
            re += ax * bx + ay * by;
            im += ax * by - ay * bx;
        }

        return Math.Sqrt(Math.Max(0, 1 - (re * re + im * im)));
    }

    // ---------------------------------------------------------------- types

    private sealed record Candidate(string Set, string Image, int Fold, Rect Box, float Score, int Label, float[] Emb, float[] Pts, float[] PtsFlip, float[] EmbWide, float[] Margins)
    {
        // Names the collection: a cache of another version is collected again, not misread.
        private static readonly string Version = $"verifier-study 2, detectors {FaceDetectors.Revision}";

        public static void Save(string path, List<Candidate> list)
        {
            using var w = new BinaryWriter(File.Create(path));
            w.Write(Version);
            w.Write(list.Count);
            foreach (var c in list)
            {
                w.Write(c.Set); w.Write(c.Image); w.Write(c.Fold);
                w.Write(c.Box.X); w.Write(c.Box.Y); w.Write(c.Box.Width); w.Write(c.Box.Height);
                w.Write(c.Score); w.Write(c.Label);
                foreach (var a in new[] { c.Emb, c.Pts, c.PtsFlip, c.EmbWide, c.Margins })
                {
                    w.Write(a.Length);
                    foreach (var v in a) w.Write(v);
                }
            }
        }

        /// <summary>The cached candidates, or null when the cache is of another version.</summary>
        public static List<Candidate>? Load(string path)
        {
            using var r = new BinaryReader(File.OpenRead(path));
            string version;
            try
            {
                version = r.ReadString();
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
            {
                return null;
            }

            if (version != Version)
            {
                return null;
            }

            int n = r.ReadInt32();
            var list = new List<Candidate>(n);
            for (int i = 0; i < n; i++)
            {
                string set = r.ReadString(), image = r.ReadString();
                int fold = r.ReadInt32();
                var box = new Rect(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
                float score = r.ReadSingle();
                int label = r.ReadInt32();
                var arrays = new float[5][];
                for (int k = 0; k < 5; k++)
                {
                    arrays[k] = new float[r.ReadInt32()];
                    for (int j = 0; j < arrays[k].Length; j++) arrays[k][j] = r.ReadSingle();
                }

                list.Add(new Candidate(set, image, fold, box, score, label, arrays[0], arrays[1], arrays[2], arrays[3], arrays[4]));
            }

            return list;
        }

        // Reference equality: candidates are keys of per-variant score tables.
        public bool Equals(Candidate? other) => ReferenceEquals(this, other);

        public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
    }

    private sealed class LandmarkProbe : IDisposable
    {
        private readonly Net _net = null!;
        private readonly Mat _grey = new(), _small = new(), _flipped = new();

        public LandmarkProbe(string path) => _net = CvDnn.ReadNetFromOnnx(path) ?? throw new InvalidOperationException($"{path}: OpenCV could not read it");

        public Candidate Describe(Mat image, Rect box, string set, string name, int fold, float score, int label)
        {
            var region = FaceCropper.Region(box, new FaceCropOptions { Margin = 0.1f, Square = false });
            if (region.Intersect(new Rect(0, 0, image.Cols, image.Rows)).IsEmpty || box.Width < 2 || box.Height < 2)
            {
                return new Candidate(set, name, fold, box, score, label, [], [], [], [], []);
            }

            var (emb, pts) = Forward(image, box, flip: false, 0.1f, false);
            var (_, flipped) = Forward(image, box, flip: true, 0.1f, false);
            var (wide, _) = Forward(image, box, flip: false, 0.3f, true);
            // Other margins of the square crop, for the study: 0.2 and 0.45 (EmbWide is 0.3, the shipped verifier's input).
            var (m20, _) = Forward(image, box, flip: false, 0.2f, true);
            var (m45, _) = Forward(image, box, flip: false, 0.45f, true);
            return new Candidate(set, name, fold, box, score, label, emb, pts, flipped, wide, [.. m20, .. m45]);
        }

        private (float[] Emb, float[] Pts) Forward(Mat image, Rect box, bool flip, float margin, bool square)
        {
            using var crop = FaceCropper.Crop(image, box, new FaceCropOptions { Margin = margin, Square = square });
            Cv2.CvtColor(crop, _grey, ColorConversionCodes.BGR2GRAY);
            Cv2.Resize(_grey, _small, new Size(64, 64), interpolation: InterpolationFlags.Linear);
            var input = _small;
            if (flip)
            {
                Cv2.Flip(_small, _flipped, FlipMode.Y);
                input = _flipped;
            }

            // OpenCvSharp's blobFromImage defaults to swapRB and crop = true; the probe wants neither.
            using var blob = CvDnn.BlobFromImage(input, 1.0 / 256, new Size(64, 64), default, swapRB: false, crop: false);
            _net.SetInput(blob);
            var outs = new[] { new Mat(), new Mat() };
            _net.Forward(outs, ["onnx_node!Flatten_76", "output"]);
            try
            {
                return (outs[0].GetFloats().ToArray(), outs[1].GetFloats().ToArray());
            }
            finally
            {
                foreach (var o in outs) o.Dispose();
            }
        }

        public void Dispose()
        {
            _net.Dispose();
            _grey.Dispose(); _small.Dispose(); _flipped.Dispose();
        }
    }

    /// <summary>Each feature's mean and standard deviation (plus 1e-6, so a constant feature divides safely): the standardisation of both models.</summary>
    private static (double[] Mean, double[] Std) Moments(float[][] x)
    {
        int n = x.Length, d = x[0].Length;
        var mean = new double[d];
        var std = new double[d];
        foreach (var row in x) for (int j = 0; j < d; j++) mean[j] += row[j] / n;
        foreach (var row in x) for (int j = 0; j < d; j++) std[j] += Sq(row[j] - mean[j]) / n;
        for (int j = 0; j < d; j++) std[j] = Math.Sqrt(std[j]) + 1e-6;
        return (mean, std);
    }

    /// <summary>L2-regularised logistic regression on standardised features, full-batch gradient descent; deterministic.</summary>
    private sealed class Logistic
    {
        private readonly double[] _mean, _std, _w;
        private readonly double _b;

        private Logistic(double[] mean, double[] std, double[] w, double b) => (_mean, _std, _w, _b) = (mean, std, w, b);

        public static Logistic Train(float[][] x, bool[] y, double l2 = 1e-2, int iterations = 400, double rate = 0.5)
        {
            int n = x.Length, d = x[0].Length;
            var (mean, std) = Moments(x);
            var z = x.Select(row => row.Select((v, j) => (v - mean[j]) / std[j]).ToArray()).ToArray();
            int pos = y.Count(v => v);
            double wPos = n / (2.0 * pos), wNeg = n / (2.0 * (n - pos));
            var w = new double[d];
            double b = 0;
            var g = new double[d];
            for (int it = 0; it < iterations; it++)
            {
                Array.Clear(g);
                double gb = 0;
                for (int i = 0; i < n; i++)
                {
                    double s = b;
                    for (int j = 0; j < d; j++) s += w[j] * z[i][j];
                    double p = 1 / (1 + Math.Exp(-s));
                    double e = (p - (y[i] ? 1 : 0)) * (y[i] ? wPos : wNeg) / n;
                    for (int j = 0; j < d; j++) g[j] += e * z[i][j];
                    gb += e;
                }

                for (int j = 0; j < d; j++) w[j] -= rate * (g[j] + l2 * w[j]);
                b -= rate * gb;
            }

            return new Logistic(mean, std, w, b);
        }

        /// <summary>Weights and bias on raw features: w / std and b - Σ w·mean / std.</summary>
        public (float[] Weights, float Bias) Folded()
        {
            var w = new float[_w.Length];
            double b = _b;
            for (int j = 0; j < _w.Length; j++)
            {
                w[j] = (float)(_w[j] / _std[j]);
                b -= _w[j] * _mean[j] / _std[j];
            }

            return (w, (float)b);
        }

        public double Predict(float[] x)
        {
            double s = _b;
            for (int j = 0; j < _w.Length; j++) s += _w[j] * (x[j] - _mean[j]) / _std[j];
            return 1 / (1 + Math.Exp(-s));
        }
    }
}
