using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Faces;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// Face detectors on the issue's acceptance data: recall and false positives on the 43 labelled
/// faces of faces-dlib (IoU ≥ 0.4), detections on dogs.jpg (no human face), the share of
/// mask-sample images (padded by 25% of their size on each side, border replicated, as
/// <see cref="FaceCropStage"/> does) in which a face is found and how many have more than one (most
/// show one person, so what this counts beyond the crowds is boxes on parts of one face), the same
/// count on the photos as they are (unpadded: many are tight crops of a face that fills the photo, as
/// a face leaning into a webcam does; <see cref="TiledFaceDetector.OneBoxPerCloseUp"/>), the pasted
/// faces' recall also apart from those pasted on a face of the photo, and speed on 640x480 frames
/// (2008_002506.jpg resized; one detector, calls in sequence, as the webcam loop makes them;
/// median of 5 rounds, and the best round's rate, since the machine may be shared).
/// Prints a markdown table. Options: --shared DIR (default ../shared next to the repository),
/// --ids a,b (default all), --thresholds 0.3,0.5 (extra rows per threshold; detection runs once
/// at the lowest and is filtered, which gives the same boxes as running at each threshold),
/// --frames N (timed frames, default 100; 0 skips the speed test), --masks N (images per mask class, default all), --videos 0 (skip the video table),
/// --verify 0 (fused detectors without their face verifier), --pasted N (mask-sample photos per class
/// pasted small into faces-dlib, <see cref="PastedSmallFaces"/>; default 100, 0 skips), --shrunk 0 (skip
/// the faces-dlib photos shrunk into 1280x720 frames, <see cref="ShrunkScenes"/>), --list FILE (the padded
/// photos in which a detector found no face or more than one at its default threshold, one per line).
/// OpenCV's thread count is left as it is (all cores).
/// </summary>
public static class FaceDetectorBenchmark
{
    public static void Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string shared = Option(args, "--shared") ?? FindShared()
            ?? throw new DirectoryNotFoundException("no ../shared folder next to the repository; pass --shared DIR");
        var ids = Option(args, "--ids")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [.. FaceDetectors.Ids];
        var extra = (Option(args, "--thresholds") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => float.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        int frames = int.Parse(Option(args, "--frames") ?? "100", CultureInfo.InvariantCulture);
        int maskLimit = int.Parse(Option(args, "--masks") ?? "100000", CultureInfo.InvariantCulture);
        bool videos = Option(args, "--videos") != "0";
        // --verify 0 runs the fused detectors without their face verifier (for comparison).
        var options = new FaceDetectorOptions { VerifyFaces = Option(args, "--verify") != "0" };
        int pastedPerClass = int.Parse(Option(args, "--pasted") ?? "100", CultureInfo.InvariantCulture);
        bool shrunk = Option(args, "--shrunk") != "0";
        string? listPath = Option(args, "--list");
        using var list = listPath is null ? null : OpenList(listPath);

        string dlib = Path.Combine(shared, "data", "faces-dlib");
        var labels = LabelledFace.LoadCsv(Path.Combine(dlib, "annotations", "boxes.csv"));
        var dlibImages = Directory.GetFiles(Path.Combine(dlib, "images"), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var masked = MaskImages(Path.Combine(shared, "data", "mask-sample", "with_mask"), maskLimit);
        var bare = MaskImages(Path.Combine(shared, "data", "mask-sample", "without_mask"), maskLimit);
        using var frame = Frame(Path.Combine(dlib, "images", "2008_002506.jpg"));

        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([Path.Combine(shared, "models")]));
        Console.WriteLine($"Face detectors: faces-dlib {labels.Values.Sum(l => l.Count(f => !f.Ignore))} labelled faces (IoU >= {FaceMatch.DefaultIoU}), " +
            $"mask-sample {masked.Length} + {bare.Length} images padded 25%, speed on 640x480 over {frames} frames, " +
            $"{Environment.ProcessorCount} cores, OpenCV threads {Cv2.GetNumThreads()}. Machine load at start: {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| detector | threshold | dlib recall | dlib FP | dogs.jpg | with_mask | without_mask | padded photos with > 1 face | photos as they are with > 1 face | ms/frame 640x480 | detections/s (best round) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        var notes = new List<string>();
        var videoRows = new List<string>();
        var pastedRows = new List<string>();
        var shrunkRows = new List<string>();
        using var shrunkScenes = shrunk ? new ShrunkScenes(dlib) : null;
        using var pasted = pastedPerClass <= 0 ? null : PastedFaces(store, dlib, Path.Combine(shared, "data", "mask-sample"), pastedPerClass);
        foreach (var id in ids)
        {
            using var detector = FaceDetectors.Create(id, store, options);
            // Haar's faces all score 1: other thresholds would only repeat its row.
            var thresholds = detector is HaarFaceDetector
                ? [detector.DefaultMinConfidence]
                : extra.Append(detector.DefaultMinConfidence).Distinct().Order().ToArray();
            // A cascade's work depends on the threshold (it decides when the secondary runs),
            // so it is run at each one; the others run once at the lowest and are filtered.
            bool perThreshold = detector is CascadeFaceDetector;
            var runs = perThreshold ? thresholds : [thresholds[0]];
            var results = new Dictionary<float, (IReadOnlyList<DetectedFace>[] Dlib, (float Best, float Second)[] Masked, (float Best, float Second)[] Bare, (float Best, float Second)[] AsTheyAre)>();
            foreach (var floor in runs)
            {
                var before = Counters(detector);
                results[floor] = (
                    dlibImages.Select(p => DetectFile(detector, p, 0, floor)).ToArray(),
                    masked.Select(p => BestTwo(DetectFile(detector, p, 0.25f, floor))).ToArray(),
                    bare.Select(p => BestTwo(DetectFile(detector, p, 0.25f, floor))).ToArray(),
                    // Unpadded: many are tight crops of a face that fills or overflows the photo, as a
                    // face leaning into a webcam does (TiledFaceDetector.OneBoxPerCloseUp).
                    masked.Concat(bare).Select(p => BestTwo(DetectFile(detector, p, 0, floor))).ToArray());
                var after = Counters(detector);
                if (detector is CascadeFaceDetector c)
                {
                    notes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{id} at {floor:0.###}: the secondary ({c.Secondary.Id}) ran on {after.Secondary - before.Secondary} of {after.Calls - before.Calls} dataset images; the verifier dropped {c.Verification?.Rejections ?? 0} faces so far ({(c.Verification is null ? "off" : "on")})."));
                }
            }

            var speedBefore = Counters(detector);
            var (ms, perSecond, bestPerSecond) = Speed(detector, frame, frames);
            var speedAfter = Counters(detector);
            if (detector is CascadeFaceDetector)
            {
                notes.Add($"{id}: the secondary ran on {speedAfter.Secondary - speedBefore.Secondary} of {speedAfter.Calls - speedBefore.Calls} speed frames (warm-up included).");
            }

            if (frames > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{id}: two detectors on two threads (one per core, OpenCV 1 thread each; how the detector app or a server would use both cores): {TwoWorkers(id, store, frame, frames):0.0} frames/s (one detector with OpenCV's 2 threads: {perSecond:0.0})."));
            }

            foreach (var t in thresholds)
            {
                var (dlibFaces, maskedBest, bareBest, asTheyAre) = results[perThreshold ? t : thresholds[0]];
                var total = default(FaceMatch);
                int dogs = 0;
                for (int i = 0; i < dlibImages.Length; i++)
                {
                    string name = Path.GetFileName(dlibImages[i]);
                    var kept = dlibFaces[i].Where(f => f.Score >= t).ToArray();
                    if (name == "dogs.jpg")
                    {
                        dogs = kept.Length;
                    }
                    else if (labels.TryGetValue(name, out var truth))
                    {
                        total += FaceMatch.Compare(truth, kept);
                    }
                }

                int multi = maskedBest.Count(b => b.Second >= t) + bareBest.Count(b => b.Second >= t);
                if (list is not null && t == detector.DefaultMinConfidence)
                {
                    ListPadded(list, id, "with_mask", masked, maskedBest, t);
                    ListPadded(list, id, "without_mask", bare, bareBest, t);
                }

                string mark = t == detector.DefaultMinConfidence ? " (default)" : "";
                string label = id == FaceDetectors.DefaultId ? $"**{id}** (default)" : id;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {t:0.###}{mark} | {total.Recall:0.000} ({total.Found}/{total.Labelled}) | {total.FalsePositives} | {dogs} | " +
                    $"{Rate(maskedBest, t):0.000} | {Rate(bareBest, t):0.000} | {multi} | {asTheyAre.Count(b => b.Second >= t)} | {ms:0.0} | {perSecond:0.0} ({bestPerSecond:0.0}) |"));
            }

            if (videos)
            {
                videoRows.Add(VideoRow(detector, shared));
            }

            if (pasted is not null)
            {
                var found = pasted.Measure(detector);
                pastedRows.Add("| " + id + " | " + string.Join(" | ", found.Select(f => string.Create(CultureInfo.InvariantCulture,
                    $"{f.Found / (double)pasted.Count:0.000} ({f.FoundMasked / (double)Math.Max(1, pasted.MaskedCount):0.000})"))) + " | "
                    + string.Join(" | ", found.Select(f => string.Create(CultureInfo.InvariantCulture,
                        $"{(f.Found - f.FoundOnFace) / (double)Math.Max(1, pasted.Count - f.OnFace):0.000} ({f.FoundOnFace}/{f.OnFace})"))) + " |");
            }

            if (shrunkScenes is not null)
            {
                shrunkRows.Add(ShrunkRow(id, "photos", shrunkScenes, detector, video: false));
                using var live = FaceDetectors.Create(id, store, options with { ConsecutiveFrames = true });
                shrunkRows.Add(ShrunkRow(id, "video frames", shrunkScenes, live, video: true));
            }
        }

        if (shrunkScenes is not null)
        {
            var labelled = shrunkScenes.Labelled;
            int shrunkFrames = shrunkScenes.Frames;
            Console.WriteLine();
            Console.WriteLine($"Faces from a distance in their own surroundings (ShrunkScenes): the labelled faces-dlib photos shrunk to {string.Join(" / ", ShrunkScenes.Scales)} and packed into {shrunkFrames} frames of 1280x720; recall by face width (faces), detections matching no labelled face; default threshold. As photos: every pass on every frame; as video frames: the passes take turns (ConsecutiveFrames), each frame given twice.");
            Console.WriteLine();
            Console.WriteLine("| detector | asked as | " + string.Join(" | ", ShrunkScenes.Bins.Select((b, i) =>
                (i + 1 < ShrunkScenes.Bins.Length ? $"{b}-{ShrunkScenes.Bins[i + 1] - 1} px" : $"{b}+ px") + $" ({labelled[i]})")) + " | unmatched |");
            Console.WriteLine("|---|---|" + string.Concat(ShrunkScenes.Bins.Select(_ => "---|")) + "---|");
            foreach (var row in shrunkRows)
            {
                Console.WriteLine(row);
            }
        }

        if (pasted is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"Faces from a distance (PastedSmallFaces): {pasted.Count} mask-sample photos ({pasted.MaskedCount} masked) pasted into faces-dlib photos with the face N px wide; recall, all (masked only), default threshold; then recall of the faces not pasted on a face of the photo (found / pasted on one: a face in front of a nearer face, which the detector counts as part of it).");
            Console.WriteLine();
            Console.WriteLine("| detector | " + string.Join(" | ", PastedSmallFaces.Sizes.Select(w => $"{w} px")) + " | " + string.Join(" | ", PastedSmallFaces.Sizes.Select(w => $"{w} px, not on a face (on one)")) + " |");
            Console.WriteLine("|---|" + string.Concat(PastedSmallFaces.Sizes.Select(_ => "---|---|")));
            foreach (var row in pastedRows)
            {
                Console.WriteLine(row);
            }
        }

        if (videoRows.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Webcam stand-ins (videos/*.mp4, one person each, every frame, default threshold): frames with a face, frames with more than one detection (false ones), mean ms/frame.");
            Console.WriteLine();
            Console.WriteLine("| detector | Gituatu_nomask: found | >1 | ms | Gituatu_mask: found | >1 | ms |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var row in videoRows)
            {
                Console.WriteLine(row);
            }
        }

        Console.WriteLine();
        foreach (var note in notes)
        {
            Console.WriteLine(note);
        }

        Console.WriteLine();
        Console.WriteLine($"Machine load at end: {LoadAverage()} (the machine is shared; speed figures vary with it).");
        if (list is not null)
        {
            // Written beside it and renamed when complete: a run that fails leaves no half list.
            list.Dispose();
            File.Move(listPath + ".tmp", listPath!, overwrite: true);
        }
    }

    /// <summary>--list: its temporary file, opened before the minutes of detection; a path that cannot be written is a one-line error now.</summary>
    private static StreamWriter OpenList(string path)
    {
        try
        {
            return new StreamWriter(path + ".tmp");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: --list {path}: cannot write it: {e.Message}");
            Environment.Exit(2);
            throw; // not reached
        }
    }

    private static IReadOnlyList<DetectedFace> DetectFile(IFaceDetector detector, string path, float padding, float threshold)
    {
        using var image = ImageCodec.Read(path);
        if (padding <= 0)
        {
            return detector.Detect(image, threshold);
        }

        int padX = (int)Math.Round(image.Cols * padding), padY = (int)Math.Round(image.Rows * padding);
        using var padded = new Mat();
        Cv2.CopyMakeBorder(image, padded, padY, padY, padX, padX, BorderTypes.Replicate);
        return detector.Detect(padded, threshold);
    }

    /// <summary>The pasted scenes, their reference faces found by the training crop detector.</summary>
    private static PastedSmallFaces PastedFaces(ModelStore store, string dlib, string maskSample, int perClass)
    {
        using var reference = FaceDetectors.Create(FaceDetectors.DefaultId, store);
        return new PastedSmallFaces(dlib, maskSample, reference, perClass);
    }

    private static string ShrunkRow(string id, string mode, ShrunkScenes scenes, IFaceDetector detector, bool video)
    {
        var labelled = scenes.Labelled;
        var (found, unmatched) = scenes.Measure(detector, video);
        return $"| {id} | {mode} | " + string.Join(" | ", found.Select((f, i) => labelled[i] == 0 ? "-"
            : string.Create(CultureInfo.InvariantCulture, $"{f / (double)labelled[i]:0.000}"))) + $" | {unmatched} |";
    }

    private static (long Calls, long Secondary) Counters(IFaceDetector detector) =>
        detector is CascadeFaceDetector c ? (c.Calls, c.SecondaryCalls) : (0, 0);

    private static string VideoRow(IFaceDetector detector, string shared)
    {
        var cells = new List<string> { detector.Id };
        foreach (var name in new[] { "Gituatu_nomask.mp4", "Gituatu_mask.mp4" })
        {
            string path = Path.Combine(shared, "data", "videos", name);
            if (!File.Exists(path))
            {
                cells.AddRange(["n/a", "n/a", "n/a"]);
                continue;
            }

            var before = Counters(detector);
            using var capture = VideoIo.OpenFile(path);
            using var image = new Mat();
            int count = 0, found = 0, extra = 0;
            var sw = new Stopwatch();
            while (capture.Read(image) && !image.IsEmpty)
            {
                sw.Start();
                var faces = detector.Detect(image);
                sw.Stop();
                count++;
                found += faces.Count > 0 ? 1 : 0;
                extra += faces.Count > 1 ? 1 : 0;
            }

            var after = Counters(detector);
            string secondary = detector is CascadeFaceDetector ? $" (res10 on {after.Secondary - before.Secondary})" : "";
            cells.Add($"{found}/{count}{secondary}");
            cells.Add(extra.ToString(CultureInfo.InvariantCulture));
            cells.Add((sw.Elapsed.TotalMilliseconds / Math.Max(1, count)).ToString("0.0", CultureInfo.InvariantCulture));
        }

        return "| " + string.Join(" | ", cells) + " |";
    }

    /// <summary>--list: each padded photo in which the detector found no face or more than one at its default threshold, one line each (detector, class/file, what).</summary>
    private static void ListPadded(TextWriter list, string id, string cls, string[] files, (float Best, float Second)[] best, float t)
    {
        for (int i = 0; i < files.Length; i++)
        {
            string? what = best[i].Best < t ? "no face" : best[i].Second >= t ? "more than one" : null;
            if (what is not null)
            {
                list.WriteLine($"{id}\t{cls}/{Path.GetFileName(files[i])}\t{what}");
            }
        }
    }

    /// <summary>The best and second-best scores (-1 where there is none): a photo has a face at t when the
    /// best is at least t, and more than one when the second is (most mask-sample photos are of one person).</summary>
    private static (float Best, float Second) BestTwo(IReadOnlyList<DetectedFace> faces)
    {
        float best = -1f, second = -1f;
        foreach (var f in faces)
        {
            if (f.Score > best)
            {
                (best, second) = (f.Score, best);
            }
            else if (f.Score > second)
            {
                second = f.Score;
            }
        }

        return (best, second);
    }

    private static double Rate((float Best, float Second)[] scores, float threshold) =>
        scores.Length == 0 ? double.NaN : scores.Count(s => s.Best >= threshold) / (double)scores.Length;

    /// <summary>
    /// ms per frame and detections per second, as the median of 5 rounds of frames / 5 calls,
    /// plus the best round's rate: on a shared machine the best round is the least disturbed.
    /// </summary>
    private static (double Ms, double PerSecond, double BestPerSecond) Speed(IFaceDetector detector, Mat frame, int frames)
    {
        if (frames <= 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        for (int i = 0; i < 5; i++)
        {
            detector.Detect(frame); // warm-up: JIT, OpenCV's lazy layer setup
        }

        const int Rounds = 5;
        int perRound = Math.Max(1, frames / Rounds);
        var ms = new double[Rounds];
        for (int r = 0; r < Rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < perRound; i++)
            {
                detector.Detect(frame);
            }

            ms[r] = sw.Elapsed.TotalMilliseconds / perRound;
        }

        Array.Sort(ms);
        return (ms[Rounds / 2], 1000 / ms[Rounds / 2], 1000 / ms[0]);
    }

    /// <summary>Frames per second from two detectors on two threads, OpenCV single-threaded; best of 3 rounds.</summary>
    private static double TwoWorkers(string id, ModelStore store, Mat frame, int frames)
    {
        int threads = Cv2.GetNumThreads();
        Cv2.SetNumThreads(1);
        try
        {
            var detectors = new[] { FaceDetectors.Create(id, store), FaceDetectors.Create(id, store) };
            var frames2 = new[] { frame.Clone(), frame.Clone() };
            double best = 0;
            for (int round = 0; round < 3; round++)
            {
                var sw = Stopwatch.StartNew();
                Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, w =>
                {
                    for (int i = 0; i < frames / 2; i++)
                    {
                        detectors[w].Detect(frames2[w]);
                    }
                });
                best = Math.Max(best, 2 * (frames / 2) / sw.Elapsed.TotalSeconds);
            }

            foreach (var d in detectors)
            {
                d.Dispose();
            }

            foreach (var f in frames2)
            {
                f.Dispose();
            }

            return best;
        }
        finally
        {
            Cv2.SetNumThreads(threads);
        }
    }

    private static Mat Frame(string path)
    {
        using var image = ImageCodec.Read(path);
        return BenchCv.Resized(image, new Size(640, 480));
    }

    private static string[] MaskImages(string folder, int limit) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).Take(limit).ToArray()
            : [];

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string? FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                string shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
