using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MaskTrainer.Model;
using MaskTrainer.Models;

namespace MaskTrainer.Bench;

/// <summary>
/// Acceptance figures of the detector app (issue #5), measured on the real program the way a
/// user runs it (./detect.sh, then the masktrainer-detect it publishes, in a child process, headless):
/// <list type="bullet">
/// <item>faces reported on the faces-dlib photo 2008_002506.jpg (3 expected) and on dogs.jpg (none);</item>
/// <item>label rates on Gituatu_nomask.mp4 (no-mask in &gt;= 95% of the frames with a face) and Gituatu_mask.mp4 (mask &gt;= 95%);</item>
/// <item>throughput on Gituatu_nomask.mp4 (1280x720) end to end with an output video, against the seeds'
/// loop reproduced in the bench (<see cref="SeedsLoop"/>): ours with res10 classifying every frame, ours
/// with its defaults, ours with its defaults live (--realtime: the file played at its frame rate, late
/// frames skipped, latency from when each frame was due), and the seeds' loop, run in interleaved
/// rounds (medians): FPS (issue #13: defaults &gt;= 45; ours res10-every-frame / seeds &gt;= 3), p50/p95
/// frame latency (live: p50 &lt;= the seeds' loop's p50, which is its processing time per frame, the
/// least a simple loop adds on a live input; p95 &lt;= 150 ms); without --detector, also ours with
/// ultraface-tiles and plain ultraface (file and live), for what the default's extra passes cost;</item>
/// <item>memory over 5,000 frames (the video looped), for both of our configurations: RSS growth after warm-up, the median of the last fifth of the per-frame readings against the median of the first (bar &lt; 20 MB).</item>
/// </list>
/// Options: --model FILE (default artifacts/mask_model.zip; trained on ../shared/data/mask-sample
/// when missing), --frames N (soak length, default 5000), --rounds R (throughput rounds, default 3),
/// --detector ID, extra args after "--" go to every detector run. Models come from
/// ../shared/models (MASKTRAINER_MODELS, unless already set). Returns 0 when every bar is met.
/// </summary>
public static class DetectorAppBenchmark
{
    public const string Usage =
        "bench detector [--model FILE (default artifacts/mask_model.zip, trained with ./train.sh when missing)] [--frames N (soak length, 5000)] [--rounds R (throughput rounds, 3)] [--detector ID] [-- extra detector args]";

    private static string _models = "";

    public static int Run(string[] args)
    {
        var repo = FindRepo();
        var shared = Path.GetFullPath(Path.Combine(repo, "..", "shared"));
        if (!Directory.Exists(Path.Combine(shared, "data")))
        {
            Console.WriteLine($"detector benchmark: shared data not found at {shared}; skipped");
            return 0;
        }

        var model = Arg(args, "--model") ?? Path.Combine(repo, "artifacts", "mask_model.zip");
        var frames = int.Parse(Arg(args, "--frames") ?? "5000", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Arg(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        // Offline and reproducible: the shared model files (SHA-checked by the store), never a download.
        _models = Environment.GetEnvironmentVariable("MASKTRAINER_MODELS") ?? Path.Combine(shared, "models");
        var passThrough = args.SkipWhile(a => a != "--").Skip(1).ToList();
        var extra = new List<string>(passThrough);
        if (Arg(args, "--detector") is string detector)
        {
            extra.AddRange(["--detector", detector]);
        }

        var temp = Directory.CreateTempSubdirectory("mt-detect-bench-").FullName;
        try
        {
            var detect = Prepare(repo, shared, ref model, temp);
            Console.WriteLine($"Detector app: {Environment.ProcessorCount} cores, model {model}, app {detect}");
            // "Defaults" run the model's own live detector: a model trained before a new default keeps its own.
            using (var recorded = MaskModel.Load(model))
            {
                Console.WriteLine($"The model records the live face detector {recorded.FaceCrop.LiveDetectorId ?? "(none: the app's default)"}; this version's default is {Faces.FaceDetectors.LiveId}.");
            }

            extra.InsertRange(0, ["--model", model, "--no-window"]);
            // The seeds' configuration in our app: res10, every face classified in every frame.
            List<string> res10 = ["--model", model, "--no-window", .. passThrough, "--detector", "res10", "--reclassify-every", "1"];
            var bars = new List<(string Name, bool Met, string Figure)>();

            // 1. Photos: face counts.
            foreach (var (image, expected) in new[] { ("faces-dlib/images/2008_002506.jpg", 3), ("faces-dlib/images/dogs.jpg", 0) })
            {
                var run = RunApp(detect, repo, [.. extra, "--image", Path.Combine(shared, "data", image), "--json"]);
                int faces = run.Frames.Count == 1 ? run.Frames[0].Faces.Count : -1;
                bars.Add(($"{Path.GetFileName(image)}: {expected} faces", faces == expected, $"{faces} faces"));
            }

            // 2. Label rates on the two videos.
            foreach (var (video, wantMask) in new[] { ("Gituatu_nomask.mp4", false), ("Gituatu_mask.mp4", true) })
            {
                var run = RunApp(detect, repo, [.. extra, "--video", Path.Combine(shared, "data", "videos", video), "--json"]);
                int withFace = 0, right = 0;
                foreach (var f in run.Frames)
                {
                    if (f.Faces.Count > 0)
                    {
                        withFace++;
                        right += f.Faces[0].Mask == wantMask ? 1 : 0;
                    }
                }

                double rate = withFace == 0 ? 0 : right / (double)withFace;
                bars.Add(($"{video}: {(wantMask ? "mask" : "no-mask")} >= 95%", rate >= 0.95,
                    string.Create(CultureInfo.InvariantCulture, $"{rate:P1} of {withFace}/{run.Frames.Count} frames with a face")));
            }

            // 3. Throughput, end to end with an encoded output video: ours (two configurations) and
            // the seeds' loop in interleaved rounds, so that load from other processes hits all alike.
            var nomask = Path.Combine(shared, "data", "videos", "Gituatu_nomask.mp4");
            List<string> live = [.. extra, "--realtime"];
            List<(string, List<string>)> configurations = [("ours res10, every frame", res10), ("ours defaults", extra), ("ours defaults, live", live)];
            if (Arg(args, "--detector") is null)
            {
                // What the default's extra passes cost (docs/detector.md), side by side: UltraFace
                // with its tiles but without BlazeFace-back for masked faces, and UltraFace alone.
                List<string> tiles = [.. extra, "--detector", Faces.FaceDetectors.UltraFaceTilesId];
                List<string> whole = [.. extra, "--detector", Faces.UltraFaceDetector.ModelId];
                configurations.AddRange([("ours ultraface-tiles", tiles), ("ours ultraface-tiles, live", [.. tiles, "--realtime"]),
                    ("ours ultraface (no tiles)", whole), ("ours ultraface, live", [.. whole, "--realtime"])]);
            }

            var ours = Throughput(detect, repo, nomask, temp, model, rounds, configurations, out var seeds, out var roundRatios);
            var defaults = ours[1];
            bars.Add(("throughput >= 45 FPS (1280x720, output video)", defaults.Fps >= 45,
                string.Create(CultureInfo.InvariantCulture, $"{defaults.Fps:0.0} FPS, p50 {defaults.P50:0.0} ms, p95 {defaults.P95:0.0} ms (medians of {rounds} rounds)")));
            double ratio = ours[0].Fps / seeds.Fps;
            bars.Add(("ours res10 every frame / seeds' loop FPS >= 3", ratio >= 3,
                string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}x ({ours[0].Fps:0.0} vs {seeds.Fps:0.0} FPS; rounds {string.Join(", ", roundRatios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))})")));
            var realtime = ours[2];
            bars.Add(("live p50 latency <= seeds' loop p50", realtime.P50 <= seeds.P50,
                string.Create(CultureInfo.InvariantCulture, $"{realtime.P50:0.0} vs {seeds.P50:0.0} ms ({realtime.P50 / seeds.P50:0.00}x; {realtime.Frames} of {defaults.Frames} frames shown, {realtime.Fps:0.0} FPS)")));
            bars.Add(("live p95 latency <= 150 ms", realtime.P95 <= 150,
                string.Create(CultureInfo.InvariantCulture, $"{realtime.P95:0.0} ms (seeds' loop p95 {seeds.P95:0.0} ms)")));

            // 4. Memory over a long run: the video looped, for both of our configurations.
            foreach (var (name, configuration) in new[] { ("res10 every frame", res10), ("defaults", extra) })
            {
                var soak = RunApp(detect, repo, [.. configuration, "--video", nomask, "--loop", "--max-frames", frames.ToString(CultureInfo.InvariantCulture),
                    "--json", "--output", Path.Combine(temp, "soak.mp4")], sampleRss: true, warmFrame: Math.Min(500, frames / 2));
                var growth = (soak.RssEndBytes - soak.RssWarmBytes) / 1e6;
                bars.Add(($"RSS growth < 20 MB over {frames} frames ({name})", soak.Summary.Frames == frames && growth < 20,
                    string.Create(CultureInfo.InvariantCulture, $"{growth:+0.0;-0.0;0.0} MB (medians of the first and last fifths after warm-up: {soak.RssWarmBytes / 1e6:0} MB, {soak.RssEndBytes / 1e6:0} MB; peak {soak.RssPeakBytes / 1e6:0} MB), {soak.Summary.MeanFps:0.0} FPS, p95 {soak.Summary.P95:0.0} ms")));
            }

            Console.WriteLine($"{"check",-50} {"result",-6} figure");
            foreach (var (name, met, figure) in bars)
            {
                Console.WriteLine($"{name,-50} {(met ? "ok" : "MISSED"),-6} {figure}");
            }

            return bars.All(b => b.Met) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Publishes the app through ./detect.sh (installs and publishes like a user's first run) and makes sure a model exists.</summary>
    private static string Prepare(string repo, string shared, ref string model, string temp)
    {
        Exec(repo, Path.Combine(repo, "detect.sh"), ["--help"], quiet: true);
        var dll = Path.Combine(repo, "src", "MaskTrainer.Detect", "bin", "Release", "publish", "masktrainer-detect.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} was not published by ./detect.sh");
        }

        if (!File.Exists(model))
        {
            model = Path.Combine(temp, "bench_model.zip");
            Console.WriteLine($"No model given: training one on {shared}/data/mask-sample (./train.sh) ...");
            Exec(repo, Path.Combine(repo, "train.sh"), ["--data", Path.Combine(shared, "data", "mask-sample"), "--output", model,
                "--no-report", "--workspace", Path.Combine(temp, "workspace")], quiet: true);
        }

        return dll;
    }

    /// <summary>
    /// Interleaved rounds on one video with an output file: each of our configurations (child
    /// processes, figures from their JSON summary), then the seeds' loop (in this process, its
    /// networks loaded once before the rounds, as our app's start-up is outside its FPS too).
    /// Prints every round; returns the medians, and the first configuration's FPS over the seeds'
    /// loop's in each round (the pair run closest in time).
    /// </summary>
    private static LoopFigures[] Throughput(string detect, string repo, string video, string temp, string model, int rounds,
        IReadOnlyList<(string Name, List<string> Args)> configurations, out LoopFigures seeds, out double[] firstOverSeeds)
    {
        using (var capture = Imaging.VideoIo.OpenFile(video))
        {
            Console.WriteLine($"Throughput on {Path.GetFileName(video)} ({capture.FrameWidth}x{capture.FrameHeight}, {capture.FrameCount} frames, used as is), output video mp4v, {rounds} interleaved rounds:");
        }

        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([_models]));
        using var seedsLoop = new SeedsLoop(model, store);
        seedsLoop.Run(video, Path.Combine(temp, "seeds-warm.mp4"), maxFrames: 10);
        var runs = configurations.Select(_ => new List<LoopFigures>()).ToArray();
        var seedRuns = new List<LoopFigures>();
        Console.WriteLine($"  {"round",-5} {"loop",-26} {"frames",7} {"faces",6} {"FPS",7} {"p50 ms",8} {"p95 ms",8}");
        for (int round = 1; round <= rounds; round++)
        {
            for (int i = 0; i < configurations.Count; i++)
            {
                var s = RunApp(detect, repo, [.. configurations[i].Args, "--video", video, "--json", "--output", Path.Combine(temp, $"out{i}.mp4")]).Summary;
                runs[i].Add(Print(round, configurations[i].Name, new LoopFigures(s.Frames, s.MeanFps, s.P50, s.P95, -1)));
            }

            seedRuns.Add(Print(round, "seeds' loop (res10, all)", seedsLoop.Run(video, Path.Combine(temp, "seeds.mp4"))));
        }

        seeds = Median(seedRuns);
        firstOverSeeds = runs[0].Zip(seedRuns, (a, b) => a.Fps / b.Fps).ToArray();
        var medians = runs.Select(Median).ToArray();
        for (int i = 0; i < configurations.Count; i++)
        {
            Print(0, configurations[i].Name, medians[i]);
        }

        Print(0, "seeds' loop (res10, all)", seeds);
        return medians;
    }

    private static LoopFigures Print(int round, string name, LoopFigures f)
    {
        string faces = f.Faces < 0 ? "-" : f.Faces.ToString(CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {(round == 0 ? "median" : round.ToString(CultureInfo.InvariantCulture)),-5} {name,-26} {f.Frames,7} {faces,6} {f.Fps,7:0.0} {f.P50,8:0.0} {f.P95,8:0.0}"));
        return f;
    }

    /// <summary>Median of each figure on its own.</summary>
    private static LoopFigures Median(List<LoopFigures> runs)
    {
        static double M(IEnumerable<double> values)
        {
            var v = values.Order().ToArray();
            return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        }

        return new LoopFigures(runs[0].Frames, M(runs.Select(r => r.Fps)), M(runs.Select(r => r.P50)), M(runs.Select(r => r.P95)), runs[0].Faces);
    }

    /// <param name="warmFrame">With <paramref name="sampleRss"/>: the frame whose RSS is the after-warm-up baseline (500, or half of a shorter run).</param>
    private static AppRun RunApp(string dll, string repo, IReadOnlyList<string> args, bool sampleRss = false, long warmFrame = 500)
    {
        var info = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment.Remove("DISPLAY");
        info.Environment["MASKTRAINER_MODELS"] = _models;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stderr = process.StandardError.ReadToEndAsync();
        var run = new AppRun();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.TryGetProperty("summary", out var s))
            {
                run.Summary = new Summary(s.GetProperty("frames").GetInt64(), s.GetProperty("meanFps").GetDouble(),
                    s.GetProperty("p50LatencyMs").GetDouble(), s.GetProperty("p95LatencyMs").GetDouble(), s.GetProperty("startupSeconds").GetDouble());
                continue;
            }

            var faces = new List<Face>();
            foreach (var f in root.GetProperty("faces").EnumerateArray())
            {
                faces.Add(new Face(f.GetProperty("mask").GetBoolean()));
            }

            var frame = new Frame(root.GetProperty("frame").GetInt64(), faces);
            if (sampleRss)
            {
                // Only a count is kept for long runs; RSS is read as frames go by.
                var rss = ReadRss(process.Id);
                run.RssPeakBytes = Math.Max(run.RssPeakBytes, rss);
                if (frame.Index >= warmFrame)
                {
                    run.RssSamples.Add(rss); // after warm-up: models loaded, pools full, JIT done
                }

                run.FrameCount++;
            }
            else
            {
                run.Frames.Add(frame);
            }
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"masktrainer-detect {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }

        return run;
    }

    private static long ReadRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // the process just ended
        }

        return 0;
    }

    private static void Exec(string repo, string file, IReadOnlyList<string> args, bool quiet)
    {
        var info = new ProcessStartInfo(file, args) { WorkingDirectory = repo, RedirectStandardOutput = quiet, RedirectStandardError = quiet };
        info.Environment["MASKTRAINER_MODELS"] = _models;
        // The bench measures the published app: detect.sh must fail rather than fall back to the
        // plain build and leave an older publish folder to be measured.
        info.Environment["MT_PUBLISH_REQUIRED"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = quiet ? process.StandardOutput.ReadToEndAsync() : Task.FromResult("");
        var error = quiet ? process.StandardError.ReadToEndAsync() : Task.FromResult("");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({process.ExitCode}): {output.Result}{error.Result}".Trim());
        }
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MaskTrainer.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed record Face(bool Mask);

    private sealed record Frame(long Index, List<Face> Faces);

    private sealed record Summary(long Frames, double MeanFps, double P50, double P95, double Startup);

    private sealed class AppRun
    {
        public List<Frame> Frames { get; } = [];

        public Summary Summary { get; set; } = new(0, 0, 0, 0, 0);

        public long FrameCount { get; set; }

        /// <summary>RSS read after each frame from the warm-up frame on.</summary>
        public List<long> RssSamples { get; } = [];

        /// <summary>
        /// Median RSS over the first fifth of <see cref="RssSamples"/>: the GC heap and ONNX
        /// Runtime's arena swing by 100+ MB from frame to frame with no trend, so growth compares
        /// the medians of the first and last fifths, not two single readings.
        /// </summary>
        public long RssWarmBytes => Median(RssSamples.Take(Math.Max(1, RssSamples.Count / 5)));

        /// <summary>Median RSS over the last fifth of <see cref="RssSamples"/>.</summary>
        public long RssEndBytes => Median(RssSamples.Skip(RssSamples.Count - Math.Max(1, RssSamples.Count / 5)));

        private static long Median(IEnumerable<long> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
        }

        public long RssPeakBytes { get; set; }
    }
}
