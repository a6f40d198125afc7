using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Output;
using MaskTrainer.Detect.Sources;
using MaskTrainer.Model;
using MaskTrainer.Reporting;

namespace MaskTrainer.Detect.Cli;

/// <summary>The command line of masktrainer-detect (System.CommandLine), turned into <see cref="DetectorOptions"/>.</summary>
public static class DetectCommand
{
    /// <summary>
    /// Parses <paramref name="args"/> and runs the detector. Usage errors print one line to
    /// <paramref name="stderr"/> and return <see cref="ExitCodes.Usage"/>.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="stdout">Summary and JSON lines.</param>
    /// <param name="stderr">Notes and errors.</param>
    /// <param name="cancel">Stops the run cleanly: Ctrl+C and SIGTERM through <see cref="Signals.InterruptSignal"/> (Program), a token in tests.</param>
    public static async Task<int> InvokeAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var (root, options) = Create(stdout, stderr, cancel);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && !IsHelp(parsed))
        {
            await stderr.WriteLineAsync($"error: {HumanText.Escape(Unmatched(parsed) ?? Describe(parsed.Errors[0]))} (see --help)");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,

            // Program's InterruptSignal handles Ctrl+C from the first instruction of Main; the
            // library's handler would come only once the action runs, and would cut the closing of
            // the output file short after its timeout (a second Ctrl+C quits at once instead).
            ProcessTerminationTimeout = null,
        };
        return await parsed.InvokeAsync(configuration, cancel);
    }

    private static bool IsHelp(ParseResult parsed) => parsed.Action is System.CommandLine.Help.HelpAction;

    /// <summary>Builds the root command; its action runs <see cref="DetectApp"/>.</summary>
    internal static (RootCommand Root, Func<ParseResult, DetectorOptions> Read) Create(TextWriter stdout, TextWriter stderr, CancellationToken external)
    {
        var camera = new Option<int>("--camera", "-c") { Description = "Camera index (the default input)", DefaultValueFactory = _ => 0, HelpName = "N" };
        var video = new Option<string>("--video", "-v") { Description = "Video file to read instead of a camera", HelpName = "FILE" };
        var image = new Option<string>("--image", "-i") { Description = "Image file to read instead of a camera", HelpName = "FILE" };
        var images = new Option<string[]>("--images")
        {
            Description = "Image files and/or folders (the images directly inside), each processed on its own; --output is then a folder",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
            HelpName = "PATH",
        };
        var model = new Option<string>("--model", "-m") { Description = "Trained model (from ./train.sh): the zip, or a folder holding mask_model.zip", DefaultValueFactory = _ => MaskModel.DefaultPath, HelpName = "FILE" };
        var modelsDir = new Option<string[]>("--models-dir") { Description = "Offline folder holding model files; repeat the option for more (also MASKTRAINER_MODELS)", HelpName = "DIR" };
        var detector = new Option<string>("--detector", "-d") { Description = $"Face detector: {string.Join(", ", MaskTrainer.Faces.FaceDetectors.Ids)} (haar needs no download); default: the one the model records for live frames ({MaskTrainer.Faces.FaceDetectors.LiveId} for models trained by this version)", HelpName = "ID" };
        var minFaceSize = new Option<int?>("--min-face-size") { Description = $"Faces smaller than this (px) are shown as too small to judge, not classified; default: the model's ({MaskTrainer.Model.FaceCropPolicy.DefaultMinFaceSize} unless trained otherwise); 0 = classify every face", HelpName = "PX" };
        var minFace = new Option<float?>("--min-face-confidence") { Description = "Drop faces the detector scores below this (0..1); default: the detector's own", HelpName = "P" };
        var threshold = new Option<float>("--threshold", "-t") { Description = "A face is masked when P(mask) >= this", DefaultValueFactory = _ => 0.5f, HelpName = "P" };
        var maskLabel = new Option<string>("--mask-label") { Description = "The model label meaning 'mask' (default: by name: with_mask, else a mask word such as mask, masked, mask_on; never a bare-face or wrongly-worn-mask label)", HelpName = "LABEL" };
        var proximity = new Option<double>("--proximity-width") { Description = "Warn 'keep your distance' when an unmasked face is wider than this fraction of the frame width", DefaultValueFactory = _ => AlertOptions.Default.ProximityWidth, HelpName = "F" };
        var minDistance = new Option<DistanceThreshold>("--min-distance")
        {
            Description = "Mark faces whose centres are closer than this: pixels (120 or 120px) or face widths (3w)",
            DefaultValueFactory = _ => DistanceThreshold.Default,
            CustomParser = ParseDistance,
            HelpName = "D",
        };
        var reclassify = new Option<int>("--reclassify-every") { Description = "Classify a tracked face again every N frames (sooner when it moves); 1 = every frame", DefaultValueFactory = _ => Tracking.TrackerOptions.Default.ReclassifyEvery, HelpName = "N" };
        var holdFrames = new Option<int>("--hold-frames") { Description = $"Keep showing a face the detector missed for up to N frames in a row, at its last box with its last label (video and camera only); 0 = off, at most {Tracking.TrackerOptions.Default.MaxMissedFrames}", DefaultValueFactory = _ => Tracking.TrackerOptions.Default.HoldFrames, HelpName = "N" };
        var smoothing = new Option<float>("--smoothing") { Description = "Weight of a new classification in a face's moving average, in (0, 1]; 1 = no smoothing", DefaultValueFactory = _ => 0.5f, HelpName = "A" };
        var noWindow = new Option<bool>("--no-window", "--headless") { Description = "Do not open a window" };
        var output = new Option<string>("--output", "-o") { Description = $"Write the annotated video ({string.Join(", ", OutputFiles.VideoExtensions)}) or image ({string.Join(", ", MaskTrainer.Imaging.ImageCodec.Extensions)}); with --images, a folder for the annotated copies", HelpName = "FILE" };
        var json = new Option<bool>("--json") { Description = "Print one JSON line per frame, then a summary line, to stdout" };
        var loop = new Option<bool>("--loop") { Description = "Play --video again from the start when it ends" };
        var realtime = new Option<bool>("--realtime") { Description = "Play --video at its own frame rate, as a camera delivers frames: late frames are skipped, latency is a live user's" };
        var maxFrames = new Option<long>("--max-frames") { Description = "Stop before frame number N of the input, numbered from 0 (camera and --realtime: dropped frames count, as their numbers do); 0 = no limit", HelpName = "N" };

        Rule(threshold, v => v is >= 0 and <= 1, "must be between 0 and 1");
        Rule(smoothing, v => v is > 0 and <= 1, "must be more than 0 and at most 1");
        Rule(proximity, v => v >= 0, "must be 0 or more");
        Rule(minFace, v => v is null or (>= 0 and <= 1), "must be between 0 and 1");
        Whole(maxFrames, 0);
        Whole(minFaceSize, 0);
        Whole(camera, 0);
        Whole(reclassify, 1);
        Whole(holdFrames, 0, Tracking.TrackerOptions.Default.MaxMissedFrames);

        var root = new RootCommand("MaskTrainer detector: finds faces in a camera, video or image and tells masked from unmasked ones.\n" +
                                   "Reads camera 0 by default; q or Esc closes the window.")
        {
            camera, video, image, images, model, modelsDir, detector, minFace, minFaceSize, threshold, maskLabel, proximity, minDistance,
            reclassify, holdFrames, smoothing, noWindow, output, json, loop, realtime, maxFrames,
        };
        // An empty path is a usage error (exit 2), as in the training app: no file system takes one
        // (--model "" ended in a stack trace, --models-dir "" in "the models folder  given does not exist").
        foreach (var path in new Option[] { model, modelsDir, video, image, images })
        {
            path.Validators.Add(r =>
            {
                if (r.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                {
                    r.AddError($"{path.Name}: the path is empty");
                }
            });
        }

        // A wrong id is a usage error (exit 2) found before anything loads.
        detector.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !DetectApp.IsKnownDetector(r.Tokens[0].Value))
            {
                r.AddError(DetectApp.UnknownDetector(r.Tokens[0].Value));
            }
        });
        root.Validators.Add(r =>
        {
            int inputs = (r.GetResult(camera) is { Implicit: false } ? 1 : 0) + (r.GetResult(video) is not null ? 1 : 0) + (r.GetResult(image) is not null ? 1 : 0)
                + (r.GetResult(images) is not null ? 1 : 0);
            if (inputs > 1)
            {
                r.AddError("use only one of --camera, --video, --image and --images");
            }

            if (r.GetResult(loop) is not null && r.GetResult(video) is null)
            {
                r.AddError("--loop needs --video");
            }

            if (r.GetResult(realtime) is not null && r.GetResult(video) is null)
            {
                r.AddError("--realtime needs --video");
            }

            // One frame per run: a frame count or held frames would mean nothing (as --loop, an error rather than ignored).
            string? still = r.GetResult(image) is not null ? "--image" : r.GetResult(images) is not null ? "--images" : null;
            foreach (var framesOnly in new Option[] { maxFrames, holdFrames })
            {
                if (still is not null && r.GetResult(framesOnly) is { Implicit: false })
                {
                    r.AddError($"{framesOnly.Name} applies to a video or camera, not to {still}");
                }
            }

            foreach (var file in new[] { video, image })
            {
                if (r.GetResult(file) is { Tokens.Count: > 0 } typed && InputUrl.Problem(file.Name, typed.Tokens[0].Value) is { } url)
                {
                    r.AddError(url);
                }
            }

            // The name and extension of --output are the command line's alone: a wrong one is a
            // usage error, as for any option; whether the file can be written is checked later (exit 1).
            if (r.GetResult(output) is { Tokens.Count: > 0 } given)
            {
                var path = given.Tokens[0].Value;
                var problem = r.GetResult(images) is not null
                    ? OutputFiles.CheckFolderName(path)
                    : OutputFiles.CheckFormat(path, imageInput: r.GetResult(image) is not null);
                if (problem is not null)
                {
                    r.AddError(problem);
                }
            }
        });

        DetectorOptions Read(ParseResult r)
        {
            var videoPath = r.GetValue(video);
            var imagePath = r.GetValue(image);
            // An absent array option reads as empty, not null: ask whether it was given.
            var imagePaths = r.GetResult(images) is not null ? r.GetValue(images) : null;
            return new DetectorOptions
            {
                Input = imagePaths is not null ? InputKind.Images
                    : imagePath is not null ? InputKind.Image
                    : videoPath is not null ? InputKind.Video
                    : InputKind.Camera,
                CameraIndex = r.GetValue(camera),
                InputPath = imagePath ?? videoPath,
                ImagePaths = imagePaths ?? [],
                ModelPath = r.GetValue(model)!,
                ModelsDirectories = r.GetValue(modelsDir) ?? [],
                DetectorId = r.GetValue(detector),
                MinFaceConfidence = r.GetValue(minFace),
                MinFaceSize = r.GetValue(minFaceSize),
                Threshold = r.GetValue(threshold),
                MaskLabel = r.GetValue(maskLabel),
                ProximityWidth = r.GetValue(proximity),
                MinDistance = r.GetValue(minDistance),
                ReclassifyEvery = r.GetValue(reclassify),
                HoldFrames = r.GetValue(holdFrames),
                Smoothing = r.GetValue(smoothing),
                NoWindow = r.GetValue(noWindow),
                OutputPath = r.GetValue(output),
                Json = r.GetValue(json),
                Loop = r.GetValue(loop),
                Realtime = r.GetValue(realtime),
                MaxFrames = r.GetValue(maxFrames),
            };
        }

        root.SetAction(async (r, ct) =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, external);
            var options = Read(r);

            // The frame loop blocks on native calls: run it off the invocation thread.
            return await Task.Factory.StartNew(
                () => new DetectApp(stdout, stderr).Run(options, linked.Token),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        });
        return (root, Read);
    }

    /// <summary>
    /// A word on the command line that no option takes, in the training app's words (its UsageErrors):
    /// "unknown option '--imgae': did you mean '--image'?" or "unexpected argument 'x'" (<see cref="NearestNames.Unmatched"/>),
    /// not the library's "Unrecognized command or argument";
    /// null when every word was taken. Named before any other error, which is often a knock-on effect of it.
    /// </summary>
    private static string? Unmatched(ParseResult parsed)
    {
        if (parsed.UnmatchedTokens.Count == 0)
        {
            return null;
        }

        return NearestNames.Unmatched(parsed.UnmatchedTokens[0], OptionNames(parsed.CommandResult.Command));
    }

    /// <summary>Every name and alias of <paramref name="command"/>'s options: the names an unknown option may be a typo of.</summary>
    private static IEnumerable<string> OptionNames(Command command)
    {
        foreach (var option in command.Options)
        {
            yield return option.Name;
            foreach (var alias in option.Aliases)
            {
                yield return alias;
            }
        }
    }

    /// <summary>
    /// The library's message, except where it names a .NET type ("Cannot parse argument 'abc' for
    /// option '--camera' as expected type 'System.Int32'."): then what the option takes, as the rules say it.
    /// </summary>
    private static string Describe(ParseError error)
    {
        if (error.SymbolResult is OptionResult { Tokens.Count: > 0 } option && error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal))
        {
            var type = Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType;
            var typed = option.Tokens[0].Value;
            bool whole = type == typeof(int) || type == typeof(long);
            if (whole && WholeRange.IsWholeNumber(typed))
            {
                // A whole number the type cannot hold: "not a whole number" would be wrong.
                var range = Ranges.TryGetValue(option.Option, out var own) ? own
                    : type == typeof(int) ? new WholeRange(int.MinValue, int.MaxValue, Bounded: true) : new WholeRange(long.MinValue, long.MaxValue, Bounded: true);
                return range.OutOfRange(option.Option.Name, typed);
            }

            string? takes = whole ? "a whole number"
                : type == typeof(float) || type == typeof(double) ? "a number"
                : null;
            if (takes is not null)
            {
                return $"{option.Option.Name} must be {takes}, got '{typed}'";
            }
        }

        return error.Message.TrimEnd('.');
    }

    private static DistanceThreshold ParseDistance(ArgumentResult r)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (DistanceThreshold.TryParse(text, out var value, out var problem))
        {
            return value;
        }

        r.AddError("--min-distance: " + problem);
        return default;
    }

    // The range of each whole-number option (Whole), for Describe's message on a number its type cannot hold.
    private static readonly ConditionalWeakTable<Option, WholeRange> Ranges = new();

    /// <summary>
    /// A whole-number option's range (<paramref name="max"/>: its own limit, else its type's): the
    /// rule for values outside it, and what <see cref="Describe"/> says of a number too large for the type.
    /// </summary>
    private static void Whole<T>(Option<T> option, long min, long? max = null)
    {
        var range = WholeRange.For<T>(min, max);
        Ranges.AddOrUpdate(option, range);
        Rule(option, v => v is null || range.Contains(Convert.ToInt64(v, CultureInfo.InvariantCulture)), range.Requirement);
    }

    /// <summary>
    /// Adds the error "OPTION REQUIREMENT, got VALUE" when the option's value breaks <paramref name="ok"/>;
    /// VALUE as typed (1e9, not .NET's 1E+09).
    /// A value that does not parse (e.g. "abc" for a number) is left to the library's own one-line
    /// error: reading it here would throw instead.
    /// </summary>
    private static void Rule<T>(Option<T> option, Func<T, bool> ok, string requirement) => option.Validators.Add(r =>
    {
        // The library reads "0,25" as 25 (a thousands separator): a decimal comma would silently
        // give another value (--proximity-width 0,25 turned the alert off).
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if ((type == typeof(float) || type == typeof(double)) && r.Tokens.Count > 0 && r.Tokens[0].Value.Contains(','))
        {
            r.AddError($"{option.Name} must be a number with a decimal point, got '{r.Tokens[0].Value}'");
            return;
        }

        T value;
        try
        {
            value = r.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return;
        }

        if (!ok(value))
        {
            var typed = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Create(CultureInfo.InvariantCulture, $"{value}");
            r.AddError($"{option.Name} {requirement}, got {typed}");
        }
    });
}
