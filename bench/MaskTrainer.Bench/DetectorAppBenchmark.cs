using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MaskTrainer.Bench;

/// <summary>
/// Acceptance figures of the detector app (issue #5), measured on the real program the way a
/// user runs it (./detect.sh, then the built masktrainer-detect in a child process, headless):
/// <list type="bullet">
/// <item>faces reported on the faces-dlib photo 2008_002506.jpg (3 expected) and on dogs.jpg (none);</item>
/// <item>label rates on Gituatu_nomask.mp4 (no-mask in &gt;= 95% of the frames with a face) and Gituatu_mask.mp4 (mask &gt;= 95%);</item>
/// <item>throughput on Gituatu_nomask.mp4 (1280x720) end to end with an output video: FPS (bar 30), p50/p95 frame latency;</item>
/// <item>memory over 5,000 frames (the video looped): RSS growth after warm-up (bar &lt; 20 MB).</item>
/// </list>
/// Options: --model FILE (default artifacts/mask_model.zip; trained on ../shared/data/mask-sample
/// when missing), --frames N (soak length, default 5000), --detector ID, extra args after "--"
/// go to every detector run. Returns 0 when every bar is met.
/// </summary>
public static class DetectorAppBenchmark
{
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
        var extra = args.SkipWhile(a => a != "--").Skip(1).ToList();
        if (Arg(args, "--detector") is string detector)
        {
            extra.AddRange(["--detector", detector]);
        }

        var temp = Directory.CreateTempSubdirectory("mt-detect-bench-").FullName;
        try
        {
            var detect = Prepare(repo, shared, ref model, temp);
            Console.WriteLine($"Detector app: {Environment.ProcessorCount} cores, model {model}, app {detect}");
            extra.InsertRange(0, ["--model", model, "--no-window"]);
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

            // 3. Throughput, end to end with an encoded output video.
            var nomask = Path.Combine(shared, "data", "videos", "Gituatu_nomask.mp4");
            var speed = RunApp(detect, repo, [.. extra, "--video", nomask, "--json", "--output", Path.Combine(temp, "out.mp4")]);
            var s = speed.Summary;
            bars.Add(("throughput >= 30 FPS (1280x720, output video)", s.MeanFps >= 30,
                string.Create(CultureInfo.InvariantCulture, $"{s.MeanFps:0.0} FPS, p50 {s.P50:0.0} ms, p95 {s.P95:0.0} ms, {s.Frames} frames, start-up {s.Startup:0.00} s")));

            // 4. Memory over a long run: the video looped.
            var soak = RunApp(detect, repo, [.. extra, "--video", nomask, "--loop", "--max-frames", frames.ToString(CultureInfo.InvariantCulture),
                "--json", "--output", Path.Combine(temp, "soak.mp4")], sampleRss: true);
            var growth = (soak.RssEndBytes - soak.RssWarmBytes) / 1e6;
            bars.Add(($"RSS growth < 20 MB over {frames} frames", soak.Summary.Frames == frames && growth < 20,
                string.Create(CultureInfo.InvariantCulture, $"{growth:+0.0;-0.0} MB (after warm-up {soak.RssWarmBytes / 1e6:0} MB, end {soak.RssEndBytes / 1e6:0} MB, peak {soak.RssPeakBytes / 1e6:0} MB), {soak.Summary.MeanFps:0.0} FPS, p95 {soak.Summary.P95:0.0} ms")));

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

    /// <summary>Builds the app through ./detect.sh (installs and builds like a user's first run) and makes sure a model exists.</summary>
    private static string Prepare(string repo, string shared, ref string model, string temp)
    {
        Exec(repo, Path.Combine(repo, "detect.sh"), ["--help"], quiet: true);
        var dll = Path.Combine(repo, "src", "MaskTrainer.Detect", "bin", "Release", "net10.0", "masktrainer-detect.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} was not built by ./detect.sh");
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

    private static AppRun RunApp(string dll, string repo, IReadOnlyList<string> args, bool sampleRss = false)
    {
        var info = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment.Remove("DISPLAY");
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
                if (frame.Index == 500)
                {
                    run.RssWarmBytes = rss; // models loaded, pools full, JIT done
                }

                run.RssEndBytes = rss;
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

        public long RssWarmBytes { get; set; }

        public long RssEndBytes { get; set; }

        public long RssPeakBytes { get; set; }
    }
}
