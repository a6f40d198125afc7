using System.Diagnostics;
using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Classification;
using MaskTrainer.Detect.Cli;
using MaskTrainer.Detect.Inference;
using MaskTrainer.Detect.Output;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Detect.Rendering;
using MaskTrainer.Detect.Sources;
using MaskTrainer.Detect.Stats;
using MaskTrainer.Detect.Tracking;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Models;
using MaskTrainer.Reporting;
using OpenCvSharp;

namespace MaskTrainer.Detect;

/// <summary>
/// masktrainer-detect: opens the input, loads the model and the face detector, runs the
/// frame loop and prints the summary. Human messages go to stderr (and the summary to stdout
/// without --json), so stdout holds only JSON lines with --json. Errors are one line,
/// "error: &lt;file&gt;: &lt;problem&gt;", with the exit codes of <see cref="ExitCodes"/>.
/// </summary>
public sealed class DetectApp
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;

    public DetectApp(TextWriter stdout, TextWriter stderr)
    {
        _stdout = stdout ?? throw new ArgumentNullException(nameof(stdout));
        _stderr = stderr ?? throw new ArgumentNullException(nameof(stderr));
    }

    /// <summary>The summary of the last run (null before, or when it failed).</summary>
    public RunSummary? LastSummary { get; private set; }

    public int Run(DetectorOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return RunCore(options, cancel);
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            if (e is UsageException)
            {
                _stderr.WriteLine($"error: {HumanText.Escape(e.Message)} (see --help)");
                return ExitCodes.Usage;
            }

            if (e is OperationCanceledException)
            {
                // Frames stop with a summary, not this exception: it comes only from the start-up.
                _stderr.WriteLine("interrupted while starting; nothing was written");
                return ExitCodes.Interrupted;
            }

            // One line: our messages are; a control character in one comes from a name (a newline in a file name).
            _stderr.WriteLine($"error: {HumanText.Escape(e.Message.Trim())}");
            return ExitCodes.Error;
        }
    }

    /// <summary>
    /// Below this --min-face-confidence a note says what to expect: UltraFace keeps about 1,900
    /// boxes of a 720p frame at 0 (about 20 s of classification a frame here), where its own 0.7 keeps the one face.
    /// </summary>
    internal const float LowFaceConfidence = 0.05f;

    /// <summary>The errors a user can cause or fix: reported as one line instead of a stack trace.</summary>
    public static bool IsUserFacing(Exception e) => e is ImagingException or ModelException or ModelFileException or DetectorException or UsageException
        or UnknownFaceDetectorException or OperationCanceledException or IOException or UnauthorizedAccessException;

    private int RunCore(DetectorOptions o, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        bool batch = o.Input == InputKind.Images;
        if (!batch && o.OutputPath is not null && OutputFiles.Check(o.OutputPath, o.Input == InputKind.Image, o.InputPath) is string problem)
        {
            throw new DetectorException(problem);
        }

        if (batch ? o.ImagePaths.Count == 0 : o.Input != InputKind.Camera && string.IsNullOrWhiteSpace(o.InputPath))
        {
            throw new DetectorException($"--{o.Input.ToString().ToLowerInvariant()} needs a file name");
        }

        if (o.DetectorId is not null && !IsKnownDetector(o.DetectorId))
        {
            throw new DetectorException(UnknownDetector(o.DetectorId));
        }

        // A --models-dir or MASKTRAINER_MODELS folder that is not a folder (a typo) would be searched
        // in vain, silently; the store's own words for it, which otherwise come only when a model is then missing.
        if (ModelStoreOptions.FolderProblems(o.ModelsDirectories) is { } folders)
        {
            throw new DetectorException(folders);
        }

        MaskModel.Exists(o.ModelPath); // before anything is loaded: the most common mistake fails in milliseconds
        var images = batch ? ListImages(o) : null;

        // --images is a batch job: a window flashing through a folder would show nothing useful.
        bool window = false;
        if (!o.NoWindow && !batch)
        {
            // Not only an unset DISPLAY: a stale one (SSH sessions, containers) names a display that is gone.
            var noDisplay = GuiWindows.DisplayProblem;
            window = noDisplay is null;
            if (!window)
            {
                _stderr.WriteLine($"note: {noDisplay}: running without a window; pass --no-window to silence this");
            }
        }

        int threads = WorkerThreads.For(o);
        IFrameSource? opened;
        try
        {
            opened = batch ? null : OpenSource(o, threads, cancel);
        }
        catch (ImagingException e) when (o.Input == InputKind.Image && File.Exists(o.InputPath))
        {
            // A file that is there but does not decode: as --images reports such a file (a missing one is an error as there).
            return ReportUnreadableImage(o, e, Stopwatch.GetElapsedTime(started));
        }

        using var source = opened;
        // A detector's weights may be a 41 MB first download: say so on stderr (plain lines, fine on a terminal and in a log).
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment([.. o.ModelsDirectories]) with { Progress = new PlainDownloadLines(_stderr), Cancellation = cancel });
        using var model = ModelFileLoad.Load(o.ModelPath, threads); // a file replaced meanwhile is said so, not "damaged"
        cancel.ThrowIfCancellationRequested(); // the start-up's steps take seconds: Ctrl+C stops between them
        var (maskIndex, sure) = MaskLabels.Choose(model.Labels, o.MaskLabel);
        if (!sure)
        {
            // A guess (by a weak rule, or between labels with the same claim): say which, as alerts depend on it.
            _stderr.WriteLine($"note: taking '{HumanText.Escape(model.Labels[maskIndex])}' as the mask label (the model's labels: {HumanText.Escape(string.Join(", ", model.Labels))}); --mask-label chooses another");
        }

        // The model says which detector suits live frames (FaceCropPolicy.LiveDetectorId); --detector overrides it.
        // Ids are matched ignoring case; from here on the catalog's own spelling is used, so the
        // summary names the detector as --detector's list does, not as it was typed.
        string requested = o.DetectorId ?? model.FaceCrop.LiveDetector();
        string detectorId = Canonical(requested)
            ?? throw new ModelFileException(o.ModelPath, $"records the live face detector '{requested}', which this version does not know; pass --detector ({string.Join(", ", FaceDetectors.Ids)})");

        using var classifier = new ModelFaceClassifier(model);
        using var detector = LoadWhileWarmingUp(classifier, () => new CatalogFaceDetector(
            CreateDetector(detectorId, store, consecutive: o.Input is InputKind.Camera or InputKind.Video, threads), o.MinFaceConfidence));
        cancel.ThrowIfCancellationRequested();
        if (o.MinFaceConfidence < LowFaceConfidence && detector.SingleNetwork)
        {
            // Only once the detector is known (the model may name it): a composite's passes keep their thresholds.
            _stderr.WriteLine(FormattableString.Invariant(
                $"note: --min-face-confidence {o.MinFaceConfidence} is very low: {detectorId} then keeps nearly every box it proposes, hundreds a frame, each one classified, so a frame takes seconds; its own threshold is {detector.DefaultMinConfidence}"));
        }

        using var json = o.Json ? new JsonFrameWriter(_stdout, model.Labels) : null;
        var renderer = new OverlayRenderer(model.Labels) { ShowFps = o.Input is InputKind.Camera or InputKind.Video };
        var pipelineOptions = new PipelineOptions
        {
            MaskLabelIndex = maskIndex,
            MinFaceSize = o.MinFaceSize ?? model.FaceCrop.MinFaceSize,
            Threshold = o.Threshold,
            Smoothing = o.Smoothing,
            Tracker = TrackerOptions.Default with { ReclassifyEvery = o.ReclassifyEvery, HoldFrames = o.HoldFrames },
            Alerts = new AlertOptions { ProximityWidth = o.ProximityWidth, MinDistance = o.MinDistance },
            MaxFrames = o.MaxFrames,
        };
        // The JSON lines reach nobody: the reader went away (| head -1), or stdout cannot be written
        // (a full disk, closed): the run stops as if the user quit (ReportOutputGone says which).
        Func<bool>? readerGone = json is not null && _stdout is GuardedWriter guarded ? () => guarded.NobodyReads : null;
        if (images is not null)
        {
            var batchSummary = new ImageBatch(_stderr, detector, classifier, renderer, json, pipelineOptions, readerGone)
                .Run(images, o.OutputPath, Stopwatch.GetElapsedTime(started), cancel);
            Report(batchSummary with { Detector = detectorId }, json);
            if (o.OutputPath is not null && batchSummary.Batch!.Written > 0)
            {
                _stderr.WriteLine($"wrote {Plural.Of(batchSummary.Batch.Written, "annotated image")} to {HumanText.Escape(o.OutputPath)}");
            }

            if (batchSummary.Reason == StopReason.OutputClosed)
            {
                return ReportOutputGone(batchSummary.Frames, "image");
            }

            return batchSummary.Reason == StopReason.Interrupted ? ReportInterrupted(batchSummary)
                : batchSummary.Batch!.Failed > 0 ? ExitCodes.Error
                : ExitCodes.Ok;
        }

        var video = o.OutputPath is not null && o.Input != InputKind.Image ? new VideoFileOutput(o.OutputPath, source!.Fps) : null;
        var imageOut = o.OutputPath is not null && o.Input == InputKind.Image ? o.OutputPath : null;
        using var sink = new DetectorSink(renderer, json, video, imageOut,
            window ? new WindowDisplay(_stderr) : null, holdWindow: o.Input == InputKind.Image,
            readerGone: readerGone, repeatLastFrame: source!.IsLive);

        var pipeline = new DetectionPipeline(source!, detector, classifier, sink, pipelineOptions)
        {
            StartupTime = Stopwatch.GetElapsedTime(started),
        };

        RunSummary summary;
        using (NativeHeap.StartTrimming(TimeSpan.FromSeconds(5)))
        {
            summary = pipeline.Run(cancel);
        }

        sink.Dispose(); // the window too, before the summary
        if (summary.Frames == 0 && summary.Reason == StopReason.EndOfInput && o.Input == InputKind.Video)
        {
            // OpenCV opens some files that are no video (or hold no readable frame) and then reads nothing.
            _stderr.WriteLine($"error: {HumanText.Escape(o.InputPath)}: no frame could be read (not a video OpenCV's back-ends can decode, or damaged)");
            return ExitCodes.Error;
        }

        if (source!.Warning is { } warning)
        {
            _stderr.WriteLine($"warning: {HumanText.Escape(warning)}");
        }

        if (sink.ReaderGone)
        {
            summary = summary with { Reason = StopReason.OutputClosed };
        }

        Report(summary with { Detector = detectorId, Error = sink.OutputError }, json);
        if (sink.OutputError is { } failed)
        {
            // After the summary: the frames were all handled, only the file is missing.
            _stderr.WriteLine($"error: {HumanText.Escape(failed)}");
        }
        else if (o.OutputPath is not null && summary.Frames > 0)
        {
            _stderr.WriteLine($"wrote {HumanText.Escape(o.OutputPath)}");
        }

        // Why the run stopped says the exit code (a closed stdout, Ctrl+C, a lost camera); a lost
        // output file alone makes it 1.
        if (sink.ReaderGone)
        {
            return ReportOutputGone(summary.Frames, "frame");
        }

        return summary.Reason switch
        {
            StopReason.CameraLost => ReportCameraLost(pipeline.LastError),
            StopReason.Interrupted => ReportInterrupted(summary),
            _ => sink.OutputError is null ? ExitCodes.Ok : ExitCodes.Error,
        };
    }

    /// <summary>
    /// Lists the --images inputs (skipped files on stderr) and checks and creates the output
    /// folder, all before the models load, so a wrong path fails at once.
    /// </summary>
    private ImageList ListImages(DetectorOptions o)
    {
        var images = ImageList.Expand(o.ImagePaths);
        bool none = images.Files.Count == 0;
        if (o.OutputPath is not null && !none)
        {
            if (OutputFiles.CheckFolder(o.OutputPath, images) is string problem)
            {
                throw new DetectorException(problem);
            }

            if (OutputFiles.PrepareFolder(o.OutputPath) is string unwritable)
            {
                throw new DetectorException(unwritable);
            }
        }

        foreach (var (path, reason) in images.Skipped)
        {
            _stderr.WriteLine($"skipped {HumanText.Escape(path)}: {reason}");
        }

        if (none)
        {
            // After the skipped files, which may explain it; no output folder was made.
            throw new DetectorException($"--images {string.Join(' ', o.ImagePaths)}: no image files found ({string.Join(", ", ImageCodec.Extensions)}; sub-folders are not searched)");
        }

        return images;
    }

    /// <summary>The summary: a JSON line on stdout and text on stderr with --json, else text on stdout.</summary>
    private void Report(RunSummary summary, JsonFrameWriter? json)
    {
        LastSummary = summary;
        if (json is not null)
        {
            json.WriteSummary(summary);
            _stderr.WriteLine(summary.ToString());
        }
        else
        {
            _stdout.WriteLine(summary.ToString());
            if (_stdout is GuardedWriter { Failed: true })
            {
                // The summary is the only thing for stdout then: said where it can be read.
                _stderr.WriteLine(summary.ToString());
            }
        }
    }

    /// <summary>
    /// The run stopped because its JSON lines reached nobody: a pipe whose reader went away (exit
    /// 141, as a shell reports a program SIGPIPE ended), or a stdout that cannot be written (a full
    /// disk, closed: an error, exit 1). The outputs were closed as on Ctrl+C.
    /// </summary>
    private int ReportOutputGone(long count, string noun) =>
        OutputGone.Report(_stdout, _stderr, count, noun, "the JSON lines", afterError: " (outputs were closed)");

    /// <summary>
    /// --image of a file that does not decode, as --images reports one: the error line (and with --json
    /// <c>{"path":…,"error":…}</c>), then the summary counting it as failed; exit 1.
    /// </summary>
    private int ReportUnreadableImage(DetectorOptions o, ImagingException e, TimeSpan startup)
    {
        _stderr.WriteLine($"error: {HumanText.Escape(e.Message.Trim())}");
        using var json = o.Json ? new JsonFrameWriter(_stdout, []) : null;
        json?.WriteError(o.InputPath!, e.Message.ReplaceLineEndings(" ").Trim()); // as ImageBatch writes it
        Report(new RunSummary(0, 0, 0, 0, 0, 0, startup.TotalSeconds, StopReason.EndOfInput) { Batch = new ImageBatchCounts(0, 1) }, json);
        return ExitCodes.Error;
    }

    private int ReportInterrupted(RunSummary summary)
    {
        _stderr.WriteLine($"interrupted after {Plural.Of(summary.Frames, summary.Batch is null ? "frame" : "image")} (outputs were closed)");
        return ExitCodes.Interrupted;
    }

    private int ReportCameraLost(string? message)
    {
        _stderr.WriteLine($"error: {HumanText.Escape(message ?? "the camera stopped delivering frames")}; stopped (outputs were closed)");
        return ExitCodes.CameraLost;
    }

    private static IFrameSource OpenSource(DetectorOptions o, int decodeThreads, CancellationToken cancel) => o.Input switch
    {
        InputKind.Image => new ImageSource(o.InputPath!),
        InputKind.Video => o.Realtime ? new RealtimeSource(new VideoFileSource(o.InputPath!, o.Loop, decodeThreads), o.MaxFrames) : new VideoFileSource(o.InputPath!, o.Loop, decodeThreads),
        _ => new RetryingSource(() => new CameraSource(o.CameraIndex), RetryPolicy.Default, cancel),
    };

    internal static bool IsKnownDetector(string id) => Canonical(id) is not null;

    internal static string UnknownDetector(string id) => $"--detector '{id}': unknown face detector (known: {string.Join(", ", FaceDetectors.Ids)})";

    private static string? Canonical(string id)
    {
        foreach (var known in FaceDetectors.Ids)
        {
            if (string.Equals(known, id, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return null;
    }

    /// <summary>
    /// Loads the detector while the classifier warms up on another core (<see cref="ModelFaceClassifier.WarmUp"/>):
    /// the classifier's first face costs about 250 ms, paid here instead of in the first frame.
    /// </summary>
    private static CatalogFaceDetector LoadWhileWarmingUp(ModelFaceClassifier classifier, Func<CatalogFaceDetector> load)
    {
        var warmUp = Task.Run(classifier.WarmUp);
        CatalogFaceDetector? detector = null;
        try
        {
            detector = load();
            warmUp.GetAwaiter().GetResult();
            return detector;
        }
        catch
        {
            // The caller disposes the classifier on the way out: let the warm-up finish with it
            // first. The error reported is the one that brought us here.
            try
            {
                warmUp.Wait();
            }
            catch (AggregateException)
            {
            }

            detector?.Dispose();
            throw;
        }
    }

    /// <param name="id">A catalog id, as <see cref="FaceDetectors.Ids"/> spells it.</param>
    /// <param name="consecutive">The frames come from a video or camera, in order: the detector may spread
    /// its extra passes over them (<see cref="FaceDetectorOptions.ConsecutiveFrames"/>); not for separate images.</param>
    /// <param name="threads">Threads of each of its ONNX Runtime sessions (<see cref="WorkerThreads"/>).</param>
    private static IFaceDetector CreateDetector(string id, ModelStore store, bool consecutive, int threads) =>
        FaceDetectors.Create(id, store, new FaceDetectorOptions { ConsecutiveFrames = consecutive, Threads = threads });
}
