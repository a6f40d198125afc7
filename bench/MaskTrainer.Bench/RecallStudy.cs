using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Bench;

/// <summary>
/// Experiment on the recall of ultraface-back-tiles (time-boxed study, not a product): which
/// padded masked faces it misses and why, and what extra passes (BlazeFace front on the whole
/// image, BlazeFace-back on UltraFace's tiles, UltraFace tiles at a lower threshold or on a finer
/// grid) add on the issue's data. Each model runs once per image at a low floor, the verifier's
/// likelihood (both ways) is computed once for every candidate the whole-image UltraFace does not
/// cover, and every composition is then replayed from those raw outputs with
/// <see cref="TiledFaceDetector"/>'s rules (NMS and per-threshold filtering commute: greedy NMS
/// keeps a box by the better boxes alone). <c>base</c> reproduces ultraface-back-tiles, which the
/// output checks against the live detector (the grid's other rows keep the old rule for a small face inside a kept one unless their name gives a cover ratio); <c>bt</c> is it without UltraFace's unsure faces
/// (<see cref="FaceDetectors.UnsureUltraFaceFrom"/>), and the grid's <c>bt+X</c> rows add X to that; its <c>agree</c>
/// rows (session 16) keep a pass's low-scored boxes only where another pass boxes the same face (<see cref="Config.Agree"/>). Speed is timed with the real composite detector
/// (<see cref="Composite"/>) on 2008_002506.jpg resized to 640x480 and 1280x720.
/// The replay does not model <see cref="TiledFaceDetector.CoarseFaceWidth"/>'s order (small whole-image
/// boxes after the tiles'), so on small faces a row can differ from the live detector by which box is
/// kept (and a small coarse box may take a face's place here, which the live detector never lets it); the
/// figures a decision rests on are measured again with the live detector (<c>bench detectors</c>).
/// Options: --shared DIR, --pasted N (per class, default 100), --frames N (timed frames per size, default 40),
/// --only "a;b" (only the rows whose names start so, plus base), --pasted-only (collect the pasted scenes
/// and stop), --dump DIR (with it: each 32 px face base misses, drawn with its candidates).
/// </summary>
public static class RecallStudy
{
    private const float WholeThreshold = UltraFaceDetector.DefaultThreshold;
    private const float VerifyBar = FaceDetectors.SecondPassMinLikelihood;
    private const float Nms = 0.3f;
    private static readonly int[] Sizes = [24, 32, 48, 64];

    /// <summary>Extra passes: whole-image second passes first (same-pass faces deduplicated best first), then tile passes.</summary>
    public enum Pass { Back, Front, UltraTiles, BackTiles, UltraFine, UltraLow }

    private static readonly float[] Floors = [0.05f, 0.05f, 0.25f, 0.2f, 0.4f, 0.1f];

    /// <summary>A composition: UltraFace whole at 0.7 plus these passes at these thresholds, extras verified both ways at 0.03.</summary>
    public sealed record Config(string Name, params (Pass Pass, float Threshold)[] Passes)
    {
        /// <summary>0: a box whose centre lies in a kept face is covered. r: on that face itself at any width, in its box's corners only when at least r times its width (<see cref="FaceBoxes.HoldsAsPart"/>).</summary>
        public float CoverRatio { get; init; }

        /// <summary>Candidates under their pass's live threshold (back 0.25, tiles 0.7, unsure 0.3) need this likelihood (0: the usual bar).</summary>
        public float StrictBar { get; init; }

        /// <summary>
        /// Two detectors agreeing: a candidate of <c>Pass</c> scored under <c>Below</c> counts only where
        /// pass <c>With</c> has a box scored from <c>From</c> on the same face (<see cref="Agrees"/>). The rule
        /// filters the pass's output, after its NMS (a tile pass's cross-tile NMS too), as a live filter would;
        /// <c>UltraLow</c> as the partner means UltraFace's whole-image boxes under its 0.7 (its sure faces are
        /// kept as they are). The grid's ms columns do not model it (<see cref="Composite"/> runs each pass from its own threshold).
        /// </summary>
        public (Pass Pass, float Below, Pass With, float From)[] Agree { get; init; } = [];

        /// <summary>--zoom: candidates under their pass's live threshold count only when their enlarged region scores at least this with BlazeFace-back (<see cref="ZoomScores"/>; 0: no rule).</summary>
        public float ZoomBack { get; init; }

        /// <summary>The same with UltraFace.</summary>
        public float ZoomUltra { get; init; }

        /// <summary>Every extra (at its live threshold too) needs the enlarged region to score at least this with either model.</summary>
        public float ZoomAll { get; init; }
    }

    /// <summary>
    /// <see cref="Config.Agree"/>'s rules for a candidate: two boxes are on one face when either holds the
    /// other's centre (<see cref="FaceBoxes.SameFace"/> at any width) and neither is over 3x as wide
    /// (BlazeFace boxes a small face about 2.5x as wide as UltraFace).
    /// </summary>
    private static bool Agrees(Raw raw, Config cfg, Pass pass, DetectedFace c)
    {
        foreach (var (p, below, with, from) in cfg.Agree)
        {
            if (p == pass && c.Score < below
                && !raw.ByPass[(int)with].Any(o => o.Score >= from && FaceBoxes.SameFace(o.Box, c.Box, 0) && o.Box.Width <= 3 * c.Box.Width && c.Box.Width <= 3 * o.Box.Width))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ZoomAgrees(Raw raw, Config cfg, DetectedFace c, bool underThreshold)
    {
        if (cfg.ZoomBack <= 0 && cfg.ZoomUltra <= 0 && cfg.ZoomAll <= 0)
        {
            return true;
        }

        var (back, ultra) = raw.Zoom.TryGetValue(c, out var z) ? z : throw new InvalidOperationException("candidate without zoom scores");
        if (cfg.ZoomAll > 0 && Math.Max(back, ultra) < cfg.ZoomAll)
        {
            return false;
        }

        return !underThreshold || (cfg.ZoomBack > 0 && back >= cfg.ZoomBack) || (cfg.ZoomUltra > 0 && ultra >= cfg.ZoomUltra)
            || (cfg.ZoomBack <= 0 && cfg.ZoomUltra <= 0);
    }

    private static float LiveThreshold(Pass p) => p switch
    {
        Pass.Back => FaceDetectors.BackSecondPassThreshold,
        Pass.UltraTiles => UltraFaceDetector.DefaultThreshold,
        Pass.UltraLow => FaceDetectors.UnsureUltraFaceFrom,
        _ => 0f,
    };

    private static bool IsTiled(Pass p) => p is Pass.UltraTiles or Pass.BackTiles or Pass.UltraFine;

    private sealed class Models(ModelStore store) : IDisposable
    {
        public UltraFaceDetector Ultra { get; } = UltraFaceDetector.Create(store);
        public BlazeFaceDetector Back { get; } = BlazeFaceDetector.Create(BlazeFaceVariant.Back, store);
        public BlazeFaceDetector Front { get; } = BlazeFaceDetector.Create(BlazeFaceVariant.Front, store);
        public FaceVerifier Verifier { get; } = FaceVerifier.Create(store);

        public IFaceDetector DetectorOf(Pass p) => p switch
        {
            Pass.Back or Pass.BackTiles => Back,
            Pass.Front => Front,
            _ => Ultra,
        };

        public void Dispose()
        {
            Ultra.Dispose();
            Back.Dispose();
            Front.Dispose();
            Verifier.Dispose();
        }
    }

    /// <summary>One image's raw outputs: the whole-image UltraFace, each pass's candidates (tile passes: after the edge rule, before cross-tile NMS), likelihoods.</summary>
    private sealed class Raw
    {
        public DetectedFace[] Whole = [];
        public Size Size;
        public readonly DetectedFace[][] ByPass = new DetectedFace[Floors.Length][];
        public readonly Dictionary<DetectedFace, float> Likelihood = new(ReferenceEqualityComparer.Instance);

        /// <summary>--zoom: each verified candidate's score when its region is cut out, enlarged and given to BlazeFace-back / UltraFace again (<see cref="ZoomScores"/>).</summary>
        public readonly Dictionary<DetectedFace, (float Back, float Ultra)> Zoom = new(ReferenceEqualityComparer.Instance);
    }

    private static bool _zoom;

    /// <summary>
    /// A candidate judged again, enlarged (session 20: the issue's "second pass on up-scaled regions"): a
    /// square region twice the box's longer side round its centre (grey beyond the image) is given whole to
    /// BlazeFace-back, and a 4:3 one to UltraFace, each at a floor of 0.05; the score is the best box whose
    /// centre lies in the region's middle half and whose width is 0.2-0.9 of the region's.
    /// </summary>
    private static (float Back, float Ultra) ZoomScores(Models models, Mat image, Rect box)
    {
        var c = FaceBoxes.Centre(box);
        int side = 2 * Math.Max(box.Width, box.Height);
        float back = Best(models.Back, Region(side, side));
        float ultra = Best(models.Ultra, Region(side * 4 / 3, side));
        return (back, ultra);

        Rect Region(int w, int h) => new(c.X - w / 2, c.Y - h / 2, w, h);

        float Best(IFaceDetector detector, Rect region)
        {
            using var crop = new Mat(region.Height, region.Width, MatType.CV_8UC3, new Scalar(128, 128, 128));
            var inside = region.Intersect(new Rect(0, 0, image.Cols, image.Rows));
            if (inside.Width > 0 && inside.Height > 0)
            {
                using var src = new Mat(image, inside);
                using var dst = new Mat(crop, new Rect(inside.X - region.X, inside.Y - region.Y, inside.Width, inside.Height));
                src.CopyTo(dst);
            }

            float best = 0;
            var middle = new Rect(region.Width / 4, region.Height / 4, region.Width / 2, region.Height / 2);
            foreach (var f in detector.Detect(crop, 0.05f))
            {
                if (middle.Contains(FaceBoxes.Centre(f.Box)) && f.Box.Width >= 0.2 * region.Width && f.Box.Width <= 0.9 * region.Width)
                {
                    best = Math.Max(best, f.Score);
                }
            }

            return best;
        }
    }

    public static void Run(string[] args)
    {
        string shared = Option(args, "--shared") ?? "/work/shared";
        int perClass = int.Parse(Option(args, "--pasted") ?? "100", CultureInfo.InvariantCulture);
        int frames = int.Parse(Option(args, "--frames") ?? "40", CultureInfo.InvariantCulture);
        string dlib = Path.Combine(shared, "data", "faces-dlib");
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([Path.Combine(shared, "models")]));
        using var models = new Models(store);
        var all = Enum.GetValues<Pass>();

        // base: the live detector. bt: its passes before UltraFace's unsure faces were kept (BlazeFace-back
        // and the tiles); the grid's "bt+X" rows add X to those.
        var baseCfg = new Config("base", (Pass.UltraLow, FaceDetectors.UnsureUltraFaceFrom), (Pass.Back, FaceDetectors.BackSecondPassThreshold), (Pass.UltraTiles, WholeThreshold)) { CoverRatio = TiledFaceDetector.InnerFaceWidthRatio };
        // Before the minutes of collecting: a folder that cannot be made is a one-line error now, not then.
        string? dump = Option(args, "--dump");
        if (dump is not null)
        {
            try
            {
                Directory.CreateDirectory(dump);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: --dump {dump}: cannot create the folder: {e.Message}");
                Environment.Exit(2);
            }
        }

        var sw = Stopwatch.StartNew();

        // faces-dlib
        var labels = LabelledFace.LoadCsv(Path.Combine(dlib, "annotations", "boxes.csv"));
        var dlibFiles = Directory.GetFiles(Path.Combine(dlib, "images"), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        bool pastedOnly = args.Contains("--pasted-only");

        _zoom = args.Contains("--zoom");
        if (pastedOnly || _zoom)
        {
            all = [Pass.Back, Pass.UltraTiles, Pass.UltraLow];
        }

        var dlibRaw = dlibFiles.Select(f => { using var m = ImageCodec.Read(f); return Collect(models, m, all); }).ToArray();
        Console.Error.WriteLine($"dlib done {sw.Elapsed}");

        // padded mask-sample
        var maskRoot = Path.Combine(shared, "data", "mask-sample");
        var masked = Directory.GetFiles(Path.Combine(maskRoot, "with_mask")).Where(ImageCodec.HasImageExtension).Order(StringComparer.Ordinal).ToArray();
        var bare = Directory.GetFiles(Path.Combine(maskRoot, "without_mask")).Where(ImageCodec.HasImageExtension).Order(StringComparer.Ordinal).ToArray();
        var maskedRaw = masked.Take(pastedOnly ? 0 : masked.Length).Select(f => { using var m = Padded(f); return Collect(models, m, all); }).ToArray();
        var bareRaw = bare.Take(pastedOnly ? 0 : bare.Length).Select(f => { using var m = Padded(f); return Collect(models, m, all); }).ToArray();
        Console.Error.WriteLine($"padded done {sw.Elapsed}");

        // videos, every frame
        var videoRaw = new[] { "Gituatu_nomask.mp4", "Gituatu_mask.mp4" }.Take(pastedOnly ? 0 : 2).Select(v =>
        {
            var list = new List<Raw>();
            using var capture = VideoIo.OpenFile(Path.Combine(shared, "data", "videos", v));
            using var frame = new Mat();
            while (capture.Read(frame) && !frame.IsEmpty)
            {
                list.Add(Collect(models, frame, all));
            }

            return list.ToArray();
        }).ToArray();
        Console.Error.WriteLine($"videos done {sw.Elapsed}");

        // pasted small faces (PastedSmallFaces' scenes and rule, copied so the raw outputs can be kept)
        var pasted = new List<(int Size, Rect Box, bool Masked, Raw Raw)>();
        int dumped = 0;
        {
            var refs = new List<(Mat Image, Rect Face, bool Masked)>();
            using (var reference = FaceDetectors.Create(FaceDetectors.DefaultId, store))
            {
                var stage = new FaceCropStage(reference, new FaceCropStageOptions());
                foreach (var (folder, isMasked) in new[] { ("with_mask", true), ("without_mask", false) })
                {
                    foreach (var file in Directory.GetFiles(Path.Combine(maskRoot, folder)).Where(ImageCodec.HasImageExtension).Order(StringComparer.Ordinal).Take(perClass))
                    {
                        var image = ImageCodec.Read(file);
                        if (stage.FindMainFace(image) is { } face && face.Box.Intersect(new Rect(0, 0, image.Cols, image.Rows)) is { Width: >= 8, Height: >= 8 } box)
                        {
                            refs.Add((image, box, isMasked));
                        }
                        else
                        {
                            image.Dispose();
                        }
                    }
                }
            }

            using var scenes = new PastedScenes(dlib, 13);
            foreach (int size in Sizes)
            {
                foreach (var (image, face, isMasked) in refs)
                {
                    double scale = size / (double)face.Width;
                    var (scene, at) = scenes.Next(image, scale);
                    using (scene)
                    {
                        var box = new Rect(at.X + (int)Math.Round(face.X * scale), at.Y + (int)Math.Round(face.Y * scale),
                            (int)Math.Round(face.Width * scale), (int)Math.Round(face.Height * scale));
                        var raw = Collect(models, scene, all);
                        pasted.Add((size, box, isMasked, raw));
                        if (dump is not null && size == 32 && Combine(raw, baseCfg) is var kept && !Found(kept.Select(k => k.Face), box))
                        {
                            WriteMiss(dump, dumped++, scene, at, box, isMasked, raw, kept, all);
                        }
                    }
                }
            }

            foreach (var r in refs)
            {
                r.Image.Dispose();
            }
        }

        Console.Error.WriteLine($"pasted done {sw.Elapsed}");
        if (pastedOnly)
        {
            Console.WriteLine(dump is null ? "pasted scenes collected; pass --dump DIR to write the 32 px misses" : $"misses at 32 px written to {dump}: {dumped}");
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Recall study: raw passes collected in {sw.Elapsed.TotalSeconds:0} s; faces-dlib {dlibFiles.Length} images, padded {masked.Length}+{bare.Length}, videos {videoRaw[0].Length}+{videoRaw[1].Length} frames, pasted {pasted.Count / Sizes.Length} faces x {Sizes.Length} sizes ({pasted.Count(p => p.Masked) / Sizes.Length} masked). Load {Load()}"));

        // Q1: misses of the base composition among padded masked faces
        Console.WriteLine();
        Console.WriteLine("Q1 padded with_mask missed by base: best score of each model (floors: back/front 0.05, ultra 0.05, back-tiles 0.2) among boxes centred in the unpadded photo and >= 1/4 its width, verifier (as is / mirrored) of that box.");
        Console.WriteLine();
        Console.WriteLine("| file | size | back best (v as-is/mirror) | front best (v) | ultra whole best (v) | back-tiles best (v) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (int i = 0; i < masked.Length; i++)
        {
            if (Combine(maskedRaw[i], baseCfg).Count > 0)
            {
                continue;
            }

            using var image = Padded(masked[i]);
            var r = maskedRaw[i];
            // Only boxes that can be the face: centre in the unpadded photo, at least a quarter of its width.
            int ow = (int)Math.Round(image.Cols / 1.5), px = (image.Cols - ow) / 2, oh = (int)Math.Round(image.Rows / 1.5), py = (image.Rows - oh) / 2;
            var photo = new Rect(px, py, ow, oh);
            DetectedFace[] Plausible(DetectedFace[] faces) => faces.Where(f => photo.Contains(FaceBoxes.Centre(f.Box)) && f.Box.Width >= ow / 4).ToArray();
            Console.WriteLine($"| {Path.GetFileName(masked[i])} | {image.Cols}x{image.Rows} | {Describe(models, image, Plausible(r.ByPass[(int)Pass.Back]))} | {Describe(models, image, Plausible(r.ByPass[(int)Pass.Front]))} | {Describe(models, image, Plausible(r.Whole))} | {Describe(models, image, Plausible(r.ByPass[(int)Pass.BackTiles]))} |");
        }

        // Grid
        var configs = new List<Config> { baseCfg, new("bt", (Pass.Back, 0.25f), (Pass.UltraTiles, 0.7f)) };
        foreach (float t in new[] { 0.2f, 0.3f, 0.4f, 0.5f })
        {
            configs.Add(new Config($"bt+front@{t}", (Pass.Back, 0.25f), (Pass.Front, t), (Pass.UltraTiles, 0.7f)));
        }

        configs.Add(new Config("back@0.2+tiles", (Pass.Back, 0.2f), (Pass.UltraTiles, 0.7f)));
        foreach (float t in new[] { 0.3f, 0.4f, 0.5f })
        {
            configs.Add(new Config($"bt+backtiles@{t}", (Pass.Back, 0.25f), (Pass.UltraTiles, 0.7f), (Pass.BackTiles, t)));
        }

        configs.Add(new Config("bt+backtiles@0.25", (Pass.Back, 0.25f), (Pass.UltraTiles, 0.7f), (Pass.BackTiles, 0.25f)));
        foreach (float t in new[] { 0.1f, 0.15f, 0.2f, 0.3f, 0.4f, 0.5f })
        {
            configs.Add(new Config($"bt+ultralow@{t}", (Pass.Back, 0.25f), (Pass.UltraLow, t), (Pass.UltraTiles, 0.7f)));
        }

        foreach (float t in new[] { 0.15f, 0.2f })
        {
            configs.Add(new Config($"bt+ultralow@{t}+front@0.5", (Pass.Back, 0.25f), (Pass.UltraLow, t), (Pass.Front, 0.5f), (Pass.UltraTiles, 0.7f)));
            configs.Add(new Config($"bt+ultralow@{t}+backtiles@0.5", (Pass.Back, 0.25f), (Pass.UltraLow, t), (Pass.UltraTiles, 0.7f), (Pass.BackTiles, 0.5f)));
            configs.Add(new Config($"bt+ultralow@{t}, ultratiles@0.5", (Pass.Back, 0.25f), (Pass.UltraLow, t), (Pass.UltraTiles, 0.5f)));
        }

        foreach (float t in new[] { 0.3f, 0.4f, 0.5f, 0.6f })
        {
            configs.Add(new Config($"bt, ultratiles@{t}", (Pass.Back, 0.25f), (Pass.UltraTiles, t)));
        }

        foreach (float t in new[] { 0.6f, 0.7f })
        {
            configs.Add(new Config($"bt, finer grid@{t}", (Pass.Back, 0.25f), (Pass.UltraFine, t)));
            configs.Add(new Config($"bt+finer grid@{t}", (Pass.Back, 0.25f), (Pass.UltraTiles, 0.7f), (Pass.UltraFine, t)));
        }

        foreach (var (f, b) in new[] { (0.3f, 0.4f), (0.4f, 0.4f), (0.3f, 0.5f), (0.4f, 0.5f), (0.5f, 0.5f) })
        {
            configs.Add(new Config($"bt+front@{f}+backtiles@{b}", (Pass.Back, 0.25f), (Pass.Front, f), (Pass.UltraTiles, 0.7f), (Pass.BackTiles, b)));
        }

        foreach (float r in new[] { 0f, 0.1f, 0.2f })
        {
            configs.Add(baseCfg with { Name = $"base cover{r}", CoverRatio = r });
        }

        foreach (float r in new[] { 0.25f, 0.34f, 0.5f })
        {
            configs.Add(baseCfg with { Name = $"base cover{r}", CoverRatio = r });
            foreach (var (b, u) in new[] { (0.2f, 0.5f), (0.2f, 0.4f), (0.25f, 0.5f), (0.2f, 0.6f) })
            {
                configs.Add(new Config($"back@{b}, tiles@{u}, cover{r}", (Pass.UltraLow, 0.3f), (Pass.Back, b), (Pass.UltraTiles, u)) { CoverRatio = r });
            }
        }

        foreach (var (b, u) in new[] { (0.2f, 0.5f), (0.2f, 0.4f), (0.25f, 0.5f), (0.2f, 0.6f) })
        {
            configs.Add(new Config($"back@{b}, tiles@{u}", (Pass.UltraLow, 0.3f), (Pass.Back, b), (Pass.UltraTiles, u)));
        }

        foreach (float bar in new[] { 0.1f, 0.2f, 0.3f, 0.5f, 0.7f })
        {
            foreach (var (b, u, lo) in new[] { (0.2f, 0.5f, 0.3f), (0.2f, 0.4f, 0.3f), (0.15f, 0.4f, 0.2f), (0.15f, 0.3f, 0.15f) })
            {
                configs.Add(new Config($"strict{bar} back@{b}, tiles@{u}, unsure@{lo}, cover0.25", (Pass.UltraLow, lo), (Pass.Back, b), (Pass.UltraTiles, u)) { CoverRatio = 0.25f, StrictBar = bar });
            }
        }

        // Two detectors agreeing (session 16): low-scored candidates of one pass count only where another
        // pass boxes the same face. BlazeFace-back on the tiles finds small masked faces but also trees and
        // hands; UltraFace's tiles score masked faces low. Does either vouch for the other?
        foreach (float t in new[] { 0.25f, 0.3f, 0.4f })
        {
            foreach (float u in new[] { 0.25f, 0.4f })
            {
                configs.Add(baseCfg with { Name = $"agree backtiles@{t}~ultratiles{u}", Passes = [.. baseCfg.Passes, (Pass.BackTiles, t)], Agree = [(Pass.BackTiles, float.PositiveInfinity, Pass.UltraTiles, u)] });
            }
        }

        foreach (float u in new[] { 0.3f, 0.4f, 0.5f })
        {
            foreach (float b in new[] { 0.2f, 0.3f })
            {
                configs.Add(baseCfg with { Name = $"agree ultratiles@{u}~backtiles{b}", Passes = [.. baseCfg.Passes.Where(p => p.Pass != Pass.UltraTiles), (Pass.UltraTiles, u)], Agree = [(Pass.UltraTiles, WholeThreshold, Pass.BackTiles, b)] });
            }
        }

        foreach (float t in new[] { 0.25f, 0.3f })
        {
            configs.Add(baseCfg with
            {
                Name = $"agree both@{t}",
                Passes = [.. baseCfg.Passes.Where(p => p.Pass != Pass.UltraTiles), (Pass.UltraTiles, 0.3f), (Pass.BackTiles, t)],
                Agree = [(Pass.BackTiles, float.PositiveInfinity, Pass.UltraTiles, 0.25f), (Pass.UltraTiles, WholeThreshold, Pass.BackTiles, 0.2f)],
            });
        }

        foreach (float b in new[] { 0.1f, 0.15f, 0.2f })
        {
            configs.Add(baseCfg with { Name = $"agree back@{b}~ultralow0.1", Passes = [.. baseCfg.Passes.Where(p => p.Pass != Pass.Back), (Pass.Back, b)], Agree = [(Pass.Back, FaceDetectors.BackSecondPassThreshold, Pass.UltraLow, 0.1f)] });
        }

        if (_zoom)
        {
            // Session 20: lower thresholds for the extra passes, the candidates under the live ones judged enlarged.
            configs = [baseCfg];
            foreach (float z in new[] { 0.1f, 0.2f, 0.3f, 0.5f })
            {
                configs.Add(baseCfg with { Name = $"zoom all{z}", ZoomAll = z });
            }

            foreach (var (b, u, lo) in new[] { (0.1f, 0.3f, 0.1f), (0.15f, 0.4f, 0.2f), (0.2f, 0.5f, 0.3f), (0.25f, 0.3f, 0.3f), (0.25f, 0.5f, 0.3f), (0.1f, 0.7f, 0.3f) })
            {
                var low = baseCfg with { Passes = [(Pass.UltraLow, lo), (Pass.Back, b), (Pass.UltraTiles, u)] };
                configs.Add(low with { Name = $"zoom none back@{b} tiles@{u} unsure@{lo}" });
                foreach (float zb in new[] { 0.3f, 0.5f, 0.7f, 0.85f })
                {
                    configs.Add(low with { Name = $"zoom back{zb} back@{b} tiles@{u} unsure@{lo}", ZoomBack = zb });
                }

                foreach (float zu in new[] { 0.5f, 0.7f, 0.85f })
                {
                    configs.Add(low with { Name = $"zoom ultra{zu} back@{b} tiles@{u} unsure@{lo}", ZoomUltra = zu });
                }

                configs.Add(low with { Name = $"zoom either0.7 back@{b} tiles@{u} unsure@{lo}", ZoomBack = 0.7f, ZoomUltra = 0.7f });
                configs.Add(low with { Name = $"zoom back0.5 all0.2 back@{b} tiles@{u} unsure@{lo}", ZoomBack = 0.5f, ZoomAll = 0.2f });
            }
        }

        foreach (var a in args.SkipWhile(a => a != "--only").Skip(1).Take(1))
        {
            configs = configs.Where(c => c.Name == "base" || a.Split(';').Any(prefix => c.Name.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        }

        using var frame640 = Frame(Path.Combine(dlib, "images", "2008_002506.jpg"), new Size(640, 480));
        using var frame720 = Frame(Path.Combine(dlib, "images", "2008_002506.jpg"), new Size(1280, 720));
        Console.WriteLine();
        Console.WriteLine("Grid: UltraFace whole 0.7 + passes; extras verified both ways at 0.03. dlib recall/FP/dogs; padded found; videos frames found / frames >1 box; pasted recall all (masked); ms = real composite, median of 5 rounds.");
        Console.WriteLine();
        Console.WriteLine("| config | dlib | FP | dogs | with_mask | without | nomask vid | mask vid | pasted 24 | 32 | 48 | 64 | ms 640x480 | ms 1280x720 |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var cfg in configs)
        {
            var total = default(FaceMatch);
            int dogs = 0;
            for (int i = 0; i < dlibFiles.Length; i++)
            {
                string name = Path.GetFileName(dlibFiles[i]);
                var kept = Combine(dlibRaw[i], cfg).Select(f => f.Face).ToArray();
                if (name == "dogs.jpg")
                {
                    dogs = kept.Length;
                }
                else if (labels.TryGetValue(name, out var truth))
                {
                    total += FaceMatch.Compare(truth, kept);
                }
            }

            double mRate = maskedRaw.Count(r => Combine(r, cfg).Count > 0) / (double)maskedRaw.Length;
            double bRate = bareRaw.Count(r => Combine(r, cfg).Count > 0) / (double)bareRaw.Length;
            var vids = videoRaw.Select(v => $"{v.Count(r => Combine(r, cfg).Count > 0)}/{v.Length} / {v.Count(r => Combine(r, cfg).Count > 1)}").ToArray();
            var pastedCells = Sizes.Select(s =>
            {
                var at = pasted.Where(p => p.Size == s).ToArray();
                int found = 0, foundMasked = 0;
                foreach (var p in at)
                {
                    if (Found(Combine(p.Raw, cfg).Select(f => f.Face), p.Box))
                    {
                        found++;
                        foundMasked += p.Masked ? 1 : 0;
                    }
                }

                return string.Create(CultureInfo.InvariantCulture, $"{found / (double)at.Length:0.000} ({foundMasked / (double)Math.Max(1, at.Count(p => p.Masked)):0.00})");
            }).ToArray();
            string ms640 = "", ms720 = "";
            if (frames > 0)
            {
                using var composite = new Composite(cfg, models);
                ms640 = Time(composite, frame640, frames).ToString("0.0", CultureInfo.InvariantCulture);
                ms720 = Time(composite, frame720, frames).ToString("0.0", CultureInfo.InvariantCulture);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cfg.Name} | {total.Recall:0.000} | {total.FalsePositives} | {dogs} | {mRate:0.000} | {bRate:0.000} | {vids[0]} | {vids[1]} | {string.Join(" | ", pastedCells)} | {ms640} | {ms720} |"));
        }

        // Q3: which pass finds the pasted faces, what happens to the missed ones
        Console.WriteLine();
        Console.WriteLine("Q3 pasted faces by pass (first matching kept face: whole / pass name); missed: a zone-matching candidate at the pass threshold the verifier rejected (v<0.03), one covered/deduplicated, only under threshold (raw floor), none.");
        Console.WriteLine();
        Console.WriteLine("| config | size | whole | back | front | ultratiles | backtiles | finer | ultralow | missed: verifier | covered | under thr | none |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var cfg in configs.Where(c => c.Name is "base" or "bt" or "bt+backtiles@0.4" or "bt+backtiles@0.5" or "bt, ultratiles@0.5" or "bt+finer grid@0.7" or "bt+ultralow@0.2"))
        {
            foreach (int s in new[] { 24, 32 })
            {
                var counts = new int[Floors.Length + 1];
                int verifier = 0, covered = 0, under = 0, none = 0;
                foreach (var p in pasted.Where(p => p.Size == s))
                {
                    var kept = Combine(p.Raw, cfg);
                    var hit = kept.FirstOrDefault(k => Found([k.Face], p.Box));
                    if (hit.Face is not null)
                    {
                        counts[hit.Group + 1]++;
                        continue;
                    }

                    bool rejected = false, atThreshold = false, anyRaw = Found(p.Raw.Whole, p.Box);
                    foreach (var (pass, thr) in cfg.Passes)
                    {
                        foreach (var c in p.Raw.ByPass[(int)pass].Where(c => Found([c], p.Box)))
                        {
                            anyRaw = true;
                            if (c.Score >= thr)
                            {
                                atThreshold = true;
                                rejected |= p.Raw.Likelihood.TryGetValue(c, out float l) && l < VerifyBar;
                            }
                        }
                    }

                    if (rejected)
                    {
                        verifier++;
                    }
                    else if (atThreshold)
                    {
                        covered++;
                    }
                    else if (anyRaw)
                    {
                        under++;
                    }
                    else
                    {
                        none++;
                    }
                }

                Console.WriteLine($"| {cfg.Name} | {s} | {counts[0]} | {counts[1 + (int)Pass.Back]} | {counts[1 + (int)Pass.Front]} | {counts[1 + (int)Pass.UltraTiles]} | {counts[1 + (int)Pass.BackTiles]} | {counts[1 + (int)Pass.UltraFine]} | {counts[1 + (int)Pass.UltraLow]} | {verifier} | {covered} | {under} | {none} |");
            }
        }

        // Check: the replay of base against the live detector on the padded masked images and faces-dlib.
        using var live = FaceDetectors.Create(FaceDetectors.UltraFaceBackTilesId, store);
        int agree = 0, checkedCount = 0;
        for (int i = 0; i < masked.Length; i += 5)
        {
            using var image = Padded(masked[i]);
            agree += SameBoxes(live.Detect(image), Combine(maskedRaw[i], baseCfg)) ? 1 : 0;
            checkedCount++;
        }

        for (int i = 0; i < dlibFiles.Length; i++)
        {
            using var image = ImageCodec.Read(dlibFiles[i]);
            agree += SameBoxes(live.Detect(image), Combine(dlibRaw[i], baseCfg)) ? 1 : 0;
            checkedCount++;
        }

        Console.WriteLine();
        Console.WriteLine($"Check: replayed base gives the live ultraface-back-tiles boxes on {agree}/{checkedCount} images (every 5th padded masked + faces-dlib). Load at end {Load()}; total {sw.Elapsed.TotalSeconds:0} s.");
    }

    private static bool SameBoxes(IReadOnlyList<DetectedFace> live, List<(DetectedFace Face, int Group)> replay) =>
        live.Count == replay.Count && live.Select(f => f.Box).OrderBy(b => b.X).ThenBy(b => b.Y).SequenceEqual(replay.Select(f => f.Face.Box).OrderBy(b => b.X).ThenBy(b => b.Y));

    /// <summary>The best candidate's score and its likelihood as is / mirrored, or "-".</summary>
    private static string Describe(Models models, Mat image, DetectedFace[] faces)
    {
        if (faces.Length == 0)
        {
            return "-";
        }

        var best = faces.MaxBy(f => f.Score)!;
        float asIs = models.Verifier.Likelihood(image, best.Box);
        using var flipped = new Mat();
        Cv2.Flip(image, flipped, FlipMode.Y);
        var b = best.Box;
        float mirrored = models.Verifier.Likelihood(flipped, new Rect(image.Cols - b.Right, b.Y, b.Width, b.Height));
        return string.Create(CultureInfo.InvariantCulture, $"{best.Score:0.000} ({asIs:0.000}/{mirrored:0.000}) {b.Width}px");
    }

    /// <summary>Every pass at its floor (whole UltraFace at <paramref name="wholeFloor"/>), and with <paramref name="verify"/> the both-ways likelihood of each candidate the whole-image faces do not cover.</summary>
    private static Raw Collect(Models models, Mat image, IEnumerable<Pass> passes, float[]? floors = null, float wholeFloor = 0.05f, bool verify = true)
    {
        floors ??= Floors;
        var raw = new Raw { Whole = [.. models.Ultra.Detect(image, wholeFloor)], Size = image.Size() };
        var found = TiledFaceDetector.OneBoxPerFace([.. raw.Whole.Where(f => f.Score >= WholeThreshold)], Nms);
        var toVerify = new List<DetectedFace>();
        foreach (var p in passes)
        {
            raw.ByPass[(int)p] = p == Pass.UltraLow ? [.. raw.Whole.Where(f => f.Score >= floors[(int)p] && f.Score < WholeThreshold)]
                : IsTiled(p) ? TileCandidates(models.DetectorOf(p), image, floors[(int)p], p == Pass.UltraFine) : [.. models.DetectorOf(p).Detect(image, floors[(int)p])];
            // Every candidate some config may keep: with an infinite ratio the centre rule counts only boxes
            // on a whole face's face as its parts, the fewest any config does.
            toVerify.AddRange(raw.ByPass[(int)p].Where(c => TiledFaceDetector.StandsFor(c.Box, found, 0, found.Count, float.PositiveInfinity, Nms) != TiledFaceDetector.Covered));
        }

        for (int i = 0; i < raw.ByPass.Length; i++)
        {
            raw.ByPass[i] ??= [];
        }

        if (verify && toVerify.Count > 0)
        {
            var l = new float[toVerify.Count];
            models.Verifier.Likelihoods(image, toVerify, l, bothWays: true);
            for (int i = 0; i < l.Length; i++)
            {
                raw.Likelihood[toVerify[i]] = l[i];
                // Only candidates the verifier passes can reach a zoom rule; the rest need no score.
                if (_zoom)
                {
                    raw.Zoom[toVerify[i]] = l[i] >= VerifyBar && toVerify[i].Score >= 0.1f ? ZoomScores(models, image, toVerify[i].Box) : (0f, 0f);
                }
            }
        }

        return raw;
    }

    private static List<(DetectedFace Face, int Group)> Combine(Raw raw, Config cfg) =>
        Combine(raw, cfg, extras => extras.Select(c => raw.Likelihood.TryGetValue(c, out float l) ? l : throw new InvalidOperationException("unverified candidate")).ToArray());

    /// <summary>
    /// TiledFaceDetector's rules replayed: whole faces, one box per face; extras = each pass's faces at its
    /// threshold (tile passes: cross-tile NMS) that no whole face stands for, verified in one batch; those
    /// that pass, in pass order, are judged against the faces kept so far (a tile face against those kept
    /// before its pass) by <see cref="TiledFaceDetector.StandsFor"/>: dropped, added, or in place of a face
    /// they frame more wholly. Group -1 = whole image, else the pass.
    /// </summary>
    private static List<(DetectedFace Face, int Group)> Combine(Raw raw, Config cfg, Func<List<DetectedFace>, float[]> likelihoods)
    {
        // The live detector's last rule: boxes on one face close to the camera become one (the better one's group).
        var result = CombinePasses(raw, cfg, likelihoods);
        var faces = result.Select(r => r.Face).ToArray();
        var one = TiledFaceDetector.OneBoxPerCloseUp(faces, raw.Size);
        return ReferenceEquals(one, faces) ? result
            : [.. one.Select(f => (f, result.First(r => r.Face.Score == f.Score && f.Box.Contains(r.Face.Box)).Group))];
    }

    private static List<(DetectedFace Face, int Group)> CombinePasses(Raw raw, Config cfg, Func<List<DetectedFace>, float[]> likelihoods)
    {
        var found = TiledFaceDetector.OneBoxPerFace([.. raw.Whole.Where(f => f.Score >= WholeThreshold)], Nms);
        var result = found.Select(f => (f, -1)).ToList();
        var order = cfg.Passes.OrderBy(p => IsTiled(p.Pass) ? 1 : 0).ToArray(); // whole-image passes first (stable)
        var extras = new List<DetectedFace>();
        var groups = new List<int>();
        for (int g = 0; g < order.Length; g++)
        {
            var (pass, thr) = order[g];
            var candidates = raw.ByPass[(int)pass].Where(c => c.Score >= thr).ToArray();
            if (IsTiled(pass) && candidates.Length > 0)
            {
                CvDnn.NMSBoxes(candidates.Select(c => c.Box), candidates.Select(c => c.Score), thr, Nms, out int[] keep);
                candidates = keep.Select(k => candidates[k]).ToArray();
            }

            bool mayReplace = !IsTiled(pass); // the tiles' faces never take a face's place
            foreach (var c in candidates.Where(c => TiledFaceDetector.StandsFor(c.Box, found, 0, found.Count, cfg.CoverRatio, Nms) is var at
                && (at == TiledFaceDetector.NewFace || (at >= 0 && mayReplace))))
            {
                extras.Add(c);
                groups.Add(g);
            }
        }

        if (extras.Count == 0)
        {
            return result;
        }

        var l = likelihoods(extras);
        var faces = result.Select(r => r.f).ToList(); // the kept faces, as the live merge's list
        int group = -1, groupStart = faces.Count;
        for (int i = 0; i < extras.Count; i++)
        {
            int g = groups[i];
            if (g != group)
            {
                (group, groupStart) = (g, faces.Count);
            }

            if (l[i] < VerifyBar || (extras[i].Score < LiveThreshold(order[g].Pass) && l[i] < cfg.StrictBar) || !Agrees(raw, cfg, order[g].Pass, extras[i])
                || !ZoomAgrees(raw, cfg, extras[i], extras[i].Score < LiveThreshold(order[g].Pass)))
            {
                continue;
            }

            int count = IsTiled(order[g].Pass) ? groupStart : faces.Count;
            int at = TiledFaceDetector.StandsFor(extras[i].Box, faces, 0, count, cfg.CoverRatio, Nms);
            if (at == TiledFaceDetector.NewFace)
            {
                faces.Add(extras[i]);
                result.Add((extras[i], (int)order[g].Pass));
            }
            else if (at >= 0 && !IsTiled(order[g].Pass))
            {
                faces[at] = extras[i];
                result[at] = (extras[i], (int)order[g].Pass);
            }
        }

        return result;
    }

    /// <summary>
    /// One missed pasted face for <c>--dump</c>: the scene around the pasted image (blue), the face
    /// (green) and the kept faces (red), 3x, and a text file of every candidate on the face with its
    /// score and likelihood (offsets from the face's corner).
    /// </summary>
    private static void WriteMiss(string dump, int index, Mat scene, Rect at, Rect box, bool isMasked, Raw raw, List<(DetectedFace Face, int Group)> kept, Pass[] passes)
    {
        var region = Rect.FromLTRB(Math.Max(0, at.X - 40), Math.Max(0, at.Y - 40), Math.Min(scene.Cols, at.Right + 40), Math.Min(scene.Rows, at.Bottom + 40));
        using var view = scene.Clone(region);
        void Draw(Rect r, Scalar colour) => Cv2.Rectangle(view, new Rect(r.X - region.X, r.Y - region.Y, r.Width, r.Height), colour, 1);
        string Where(Rect r) => $"{r.X - box.X},{r.Y - box.Y} {r.Width}x{r.Height}";
        Draw(at, Scalar.Blue);
        Draw(box, Scalar.Lime);
        var notes = new List<string>();
        foreach (var (f, g) in kept.Where(k => k.Face.Box.IntersectsWith(region)))
        {
            Draw(f.Box, Scalar.Red);
            notes.Add($"kept g{g} {Where(f.Box)} s{f.Score:0.00}");
        }

        foreach (var p in passes)
        {
            foreach (var c in raw.ByPass[(int)p].Where(c => Found([c], box)))
            {
                notes.Add($"cand {p} {Where(c.Box)} s{c.Score:0.00} v{(raw.Likelihood.TryGetValue(c, out var l) ? l : -1):0.000}");
            }
        }

        foreach (var c in raw.Whole.Where(c => c.Box.IntersectsWith(box)))
        {
            notes.Add($"whole {Where(c.Box)} s{c.Score:0.00}");
        }

        using var big = new Mat();
        Cv2.Resize(view, big, new Size(view.Cols * 3, view.Rows * 3), interpolation: InterpolationFlags.Nearest);
        var name = $"{index:000}-{(isMasked ? "m" : "b")}-ref{box.Width}x{box.Height}-pasted{at.Width}x{at.Height}";
        Cv2.ImWrite(Path.Combine(dump, name + ".png"), big);
        File.WriteAllLines(Path.Combine(dump, name + ".txt"), notes);
    }

    /// <summary>The tile detector's faces on UltraFace's still-image tiles (or a finer grid), in image coordinates, without those cut by an inner edge.</summary>
    private static DetectedFace[] TileCandidates(IFaceDetector detector, Mat image, float floor, bool finer)
    {
        var size = image.Size();
        var input = new Size(320, 240);
        var tiles = new Rect[4];
        // The live detector's grid for still images, or one with tiles shrunk 0.75x that much (finer).
        double shrink = finer ? 0.75 * TiledFaceDetector.StillMaxTileShrink : TiledFaceDetector.StillMaxTileShrink;
        int n = TiledFaceDetector.Tiles(size, input, shrink, finer ? 2 * TiledFaceDetector.MaxStillTiles : TiledFaceDetector.MaxStillTiles, ref tiles);
        var list = new List<DetectedFace>();
        for (int i = 0; i < n; i++)
        {
            var tile = tiles[i];
            using var view = new Mat(image, tile);
            foreach (var f in detector.Detect(view, floor))
            {
                if (TiledFaceDetector.CutByInnerEdge(f.Box, tile, size))
                {
                    continue;
                }

                list.Add(new DetectedFace(FaceBoxes.Offset(f.Box, tile.X, tile.Y), f.Score,
                    f.Landmarks?.Select(p => new Point2f(p.X + tile.X, p.Y + tile.Y)).ToArray()));
            }
        }

        return [.. list];
    }

    /// <summary>The composition as a detector, for timing: the passes run at their thresholds, extras verified in one batch.</summary>
    private sealed class Composite(Config cfg, Models models) : FaceDetectorBase("recall-study:" + cfg.Name, 0.05f, null)
    {
        private readonly float[] _floors = BuildFloors(cfg);

        private static float[] BuildFloors(Config cfg)
        {
            var f = (float[])Floors.Clone();
            foreach (var (p, t) in cfg.Passes)
            {
                f[(int)p] = t;
            }

            return f;
        }

        protected override IReadOnlyList<DetectedFace> DetectCore(Mat image, float minConfidence)
        {
            // The passes at the config's own thresholds; the extras verified in one batch, as the live detector does.
            var raw = Collect(models, image, cfg.Passes.Select(p => p.Pass).Distinct(), _floors, cfg.Passes.Any(p => p.Pass == Pass.UltraLow) ? Math.Min(WholeThreshold, _floors[(int)Pass.UltraLow]) : WholeThreshold, verify: false);
            return Combine(raw, cfg, extras =>
            {
                var l = new float[extras.Count];
                models.Verifier.Likelihoods(image, extras, l, bothWays: true);
                return l;
            }).Select(r => r.Face).ToArray();
        }

        protected override void DisposeCore()
        {
        }
    }

    private static double Time(IFaceDetector detector, Mat frame, int frames)
    {
        for (int i = 0; i < 3; i++)
        {
            detector.Detect(frame);
        }

        var ms = new double[5];
        int per = Math.Max(1, frames / 5);
        for (int r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < per; i++)
            {
                detector.Detect(frame);
            }

            ms[r] = sw.Elapsed.TotalMilliseconds / per;
        }

        Array.Sort(ms);
        return ms[2];
    }

    private static bool Found(IEnumerable<DetectedFace> detections, Rect face)
    {
        int gx = face.Width / 4, gy = face.Height / 4;
        var zone = Rect.FromLTRB(face.X - gx, face.Y - gy, face.Right + gx, face.Bottom + gy);
        return detections.Any(d => zone.Contains(FaceBoxes.Centre(d.Box))
            && d.Box.Width >= face.Width / 2 && d.Box.Width <= face.Width * 2);
    }

    private static Mat Padded(string path)
    {
        using var image = ImageCodec.Read(path);
        int padX = (int)Math.Round(image.Cols * 0.25), padY = (int)Math.Round(image.Rows * 0.25);
        var padded = new Mat();
        Cv2.CopyMakeBorder(image, padded, padY, padY, padX, padX, BorderTypes.Replicate);
        return padded;
    }

    private static Mat Frame(string path, Size size)
    {
        using var image = ImageCodec.Read(path);
        return BenchCv.Resized(image, size);
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
