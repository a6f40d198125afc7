using System.CommandLine;
using System.Globalization;
using MaskTrainer.Augmentation;
using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Faces;
using MaskTrainer.Models;
using MaskTrainer.Reporting;
using MaskTrainer.Synthesis;
using MaskTrainer.Train.Output;

namespace MaskTrainer.Train.Commands;

/// <summary>`train` (also the default command): data folder in, model zip + metrics + report out.</summary>
internal sealed partial class TrainCommand
{
    private readonly Option<string> _data = new Option<string>("--data") { Description = "Image folder, one sub-folder per class", DefaultValueFactory = _ => new MaskTrainingOptions().DataDirectory }.NotEmptyPath();
    private readonly Option<string> _output = new Option<string>("--output", "-o") { Description = "Model file to write (e.g. runs/a.zip), or a folder to write mask_model.zip into (an existing one, or a new name ending in / or with no extension; metrics.json and report/ go beside it); an existing file is only replaced if it is a MaskTrainer model (or empty)", DefaultValueFactory = _ => MaskModel.DefaultPath }.NotEmptyPath();
    private readonly Option<string> _backbone = new Option<string>("--backbone") { Description = "Catalog backbone id (see `models list`) or a path to your own .onnx (a catalog id wins over a file of that name: write ./NAME for the file)", DefaultValueFactory = _ => MaskTrainingOptions.DefaultBackbone }.Check(ModelChoices.BackboneProblem);
    private readonly Option<TrainerKind> _trainer = new Option<TrainerKind>("--trainer") { Description = "ML.NET trainer of the head: LbfgsMaximumEntropy, SdcaMaximumEntropy, LightGbm, or Auto (each, keeping the lowest validation log-loss)", DefaultValueFactory = _ => HeadOptions.Default.Trainer }.OneOfEnum();
    private readonly Option<double> _l2 = new Option<double>("--l2") { Description = "L2 penalty of the linear trainers (features are standardised first)", DefaultValueFactory = _ => Math.Round(HeadOptions.Default.L2, 6) }.AtLeast(0);
    private readonly Option<int> _iterations = new Option<int>("--iterations") { Description = "Iteration budget of the trainer (trees for LightGbm)", DefaultValueFactory = _ => HeadOptions.Default.MaxIterations }.AtLeast(HeadOptions.MinIterations);
    private readonly Option<int> _seed = new Option<int>("--seed") { Description = "Seed for the split, augmentation and head (same seed, same model)", DefaultValueFactory = _ => 42 }.Number(_ => true, $"a whole number from {int.MinValue} to {int.MaxValue}");
    private readonly Option<double> _testFraction = new Option<double>("--test-fraction") { Description = "Share of each class held out for the test metrics (above 0: the metrics need a test set)", DefaultValueFactory = _ => SplitOptions.Default.TestFraction }.Fraction(allowOne: false, allowZero: false);
    private readonly Option<double> _validationFraction = new Option<double>("--validation-fraction") { Description = "Share of each class held out for validation: --trainer Auto keeps the trainer with the lowest log-loss on it; a fixed trainer learns from it too; 0 = none", DefaultValueFactory = _ => SplitOptions.Default.ValidationFraction }.Fraction(allowOne: false);
    private readonly Option<int> _augment = new Option<int>("--augment") { Description = "Augmented copies per training image (flip, rotation, zoom, shear, brightness/contrast, and camera effects: small, blurred, dark, noisy, JPEG faces, and scene content where a face box runs past the photo); 0 = off; at most " + MaskTrainingOptions.MaxAugmentationCopies, DefaultValueFactory = _ => new MaskTrainingOptions().Augmentation.Copies }.Between(0, MaskTrainingOptions.MaxAugmentationCopies);
    private readonly Option<string> _workspace = new Option<string>("--workspace") { Description = "Folder for the bottleneck-feature cache", DefaultValueFactory = _ => new MaskTrainingOptions().Workspace }.NotEmptyPath();
    private readonly Option<string[]> _modelsDir = ModelChoices.ModelsDirOption();
    private readonly Option<bool> _noFaceCrop = new("--no-face-crop") { Description = "Train on whole images instead of the detector's face crops (not recommended)" };
    private readonly Option<bool> _keepContext = new("--keep-face-context") { Description = "Show the head the crop's margin around the face instead of grey (default: grey, so it cannot learn the datasets' framing)" };
    private readonly Option<string> _detector = new Option<string>("--detector") { Description = $"Face detector for the crops: {string.Join(", ", Faces.FaceDetectors.Ids)}", DefaultValueFactory = _ => Faces.FaceDetectors.DefaultId }.Check(v => ModelChoices.DetectorProblem(v));
    private readonly Option<bool> _noReport = new("--no-report") { Description = "Do not write the HTML report" };
    private readonly Option<string?> _layer = new Option<string?>("--backbone-layer") { Description = "Own backbone: feature layer name" }.Check(v => string.IsNullOrWhiteSpace(v) ? "the layer name is empty" : null);
    private readonly Option<string?> _input = new Option<string?>("--backbone-input") { Description = $"Own backbone: input size, e.g. 224 or 224x224 ({UserBackboneOptions.MinInputSize} to {UserBackboneOptions.MaxInputSize} px a side)", DefaultValueFactory = _ => "224" }.Check(v => OptionRules.Rejection(() => ParseSize(v)));
    private readonly Option<string?> _mean = new Option<string?>("--backbone-mean") { Description = "Own backbone: per-channel mean in 0..255, e.g. 123.675,116.28,103.53", DefaultValueFactory = _ => "0,0,0" }.Check(v => OptionRules.Rejection(() => ParseTriple(v, positive: false)));
    private readonly Option<float> _scale = new Option<float>("--backbone-scale") { Description = "Own backbone: multiplier after the mean, e.g. 0.00392157 (1/255)", DefaultValueFactory = _ => 1f / 255 }.Number(v => v > 0 && float.IsFinite(v), "a finite number > 0");
    private readonly Option<string?> _std = new Option<string?>("--backbone-std") { Description = "Own backbone: per-channel std (> 0) applied last, e.g. 0.229,0.224,0.225" }.Check(v => OptionRules.Rejection(() => ParseTriple(v, positive: true)));
    private readonly Option<Spelled<ChannelOrder>> _channels = OptionRules.Choice("--backbone-channels", "Own backbone: RGB or BGR", ChannelOrder.Rgb, ("RGB", ChannelOrder.Rgb), ("BGR", ChannelOrder.Bgr));
    private readonly Option<Spelled<TensorLayout>> _layout = OptionRules.Choice("--backbone-layout", "Own backbone: NCHW or NHWC", TensorLayout.Nchw, ("NCHW", TensorLayout.Nchw), ("NHWC", TensorLayout.Nhwc));

    /// <summary>What --data must be, for the message when it is not.</summary>
    internal const string DataFolderPurpose = "give the folder with one sub-folder per class, e.g. with_mask/ and without_mask/";

    public static Command Create()
    {
        var command = new Command("train", "Train on an image folder (the default command)");
        Configure(command);
        return command;
    }

    public static void Configure(Command command)
    {
        var t = new TrainCommand();
        foreach (var o in new Option[]
                 {
                     t._data, t._output, t._backbone, t._trainer, t._l2, t._iterations, t._seed, t._testFraction,
                     t._validationFraction, t._augment, t._workspace, t._modelsDir, t._noFaceCrop, t._keepContext, t._detector,
                     t._noReport, t._layer, t._input, t._mean, t._scale, t._std, t._channels, t._layout,
                 })
        {
            command.Options.Add(o);
        }

        command.Validators.Add(t.CheckCombination);
        command.SetAction((result, ct) => Task.FromResult(t.Run(result, ct)));
    }

    private int Run(ParseResult r, CancellationToken ct)
    {
        var options = BuildOptions(r);
        OutputFolders.CheckNotFile("--data", options.DataDirectory, DataFolderPurpose);
        using var store = DownloadDisplay.OpenStore(options.ModelsDirectories, ct);
        var observer = new ConsoleObserver();
        var pipeline = new MaskTrainingPipeline(options, store, observer);
        if (r.GetResult(_data) is null or { Implicit: true } && !StarterDataset.HasImages(options.DataDirectory))
        {
            pipeline.CheckBeforeWork(); // a wrong -o or --workspace fails now, not after the downloads and the masks
            BuildStarterSet(options, store, ct);
        }

        TrainingRun? run = null;
        try
        {
            run = pipeline.Run(ct);
        }
        finally
        {
            observer.Finish(listedInMetrics: run is not null);
        }

        Console.WriteLine();
        Console.WriteLine(run.TestMetrics.MlConfusionMatrix?.GetFormattedConfusionTable());
        Console.WriteLine(MetricsPrinter.Format(run.TestMetrics));
        if (run.TestMetrics.Count < ClassificationMetrics.TooFewToJudge)
        {
            // One image moves accuracy by 1/n: with a handful of test images 100 % says little.
            Console.WriteLine($"note: only {run.TestMetrics.Count} test images: one image is {100.0 / run.TestMetrics.Count:0.#} % of accuracy, too few to judge the model; add photos (about {ClassificationMetrics.TooFewToJudge / 0.2:0} images or more) or evaluate on another folder with `evaluate --data`.");
        }

        if (run.TestMetrics.NoBetterThanChance)
        {
            // Exit code 0 still (a model was written), but a chance-level model must not pass unremarked.
            var m = run.TestMetrics;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: the model is no better than chance on the test split (log-loss {m.LogLoss:0.0000}, chance ln {m.Labels.Count} = {Math.Log(m.Labels.Count):0.0000}; macro accuracy {m.MacroAccuracy:0.0000}{(m.Auc is { } auc ? $", AUC {auc:0.00}" : "")}): {ChanceCause(options, run)}"));
        }

        // The test metrics are of the training detector's crops: predict and the detector app use another.
        if (run.Metadata.FaceCrop is { Enabled: true, DetectorId: { } detectorId } faceCrop)
        {
            Console.WriteLine(FaceDetectorNote.ForMetrics(detectorId, faceCrop));
        }

        var f = run.Featurizing;
        Console.WriteLine(FeaturizingLine(f, run.Skipped.Count));
        // Full, as the metrics and report paths are (-o as typed is often relative).
        Console.WriteLine($"Model:   {Path.GetFullPath(run.ModelPath)}");
        Console.WriteLine($"Metrics: {run.MetricsPath}");
        if (run.ReportPath is not null)
        {
            Console.WriteLine($"Report:  {run.ReportPath}");
        }

        if (ct.IsCancellationRequested)
        {
            // The pipeline's last check comes before the save; the save itself is not cut short. Any of
            // InterruptSignal's signals: a SIGTERM from a supervisor is no Ctrl+C.
            Console.Error.WriteLine("note: a stop (Ctrl+C, SIGTERM or SIGHUP) came while the model and metrics were being written; they were finished, not cancelled");
        }

        Console.WriteLine($"Done in {run.Elapsed.TotalSeconds:0.0} s. Next: {Quoted(DetectScript())} --model {Quoted(run.ModelPath)}");
        return 0;
    }

    /// <summary>
    /// The featurizing counts in one unambiguous line, e.g. "61 images: 60 featurized, 1 from the
    /// cache; faces found in 61, whole-image fallbacks 0; skipped 2.". "Featurized 60 image(s), 1 from
    /// cache" read as 60 in all; with augmentation the rows (images and copies) are said apart.
    /// </summary>
    internal static string FeaturizingLine(FeaturizeTotals f, int skipped)
    {
        string what = f.AugmentedCopies > 0
            ? $"{f.Images:N0} images + {f.AugmentedCopies:N0} augmented copies"
            : $"{f.Images:N0} images";
        return $"{what}: {f.Computed:N0} featurized, {f.CacheHits:N0} from the cache; faces found in {f.FacesFound:N0}, whole-image fallbacks {f.FaceFallbacks:N0}; skipped {skipped:N0}.";
    }

    /// <summary>
    /// Why a model may be no better than chance, for its warning. Head settings that keep the head
    /// from learning are named first when in play: blaming the data then sent users to their
    /// folders when `--iterations 1`, `--l2 1e30` or LightGbm on a handful of rows was the cause.
    /// </summary>
    internal static string ChanceCause(MaskTrainingOptions options, TrainingRun run)
    {
        var head = options.Head;
        var settings = new List<string>();
        if (head.MaxIterations < HeadOptions.Default.MaxIterations)
        {
            settings.Add($"--iterations {head.MaxIterations} (default {HeadOptions.Default.MaxIterations})");
        }

        // L2 is the linear trainers' penalty; LightGbm ignores it.
        if (head.L2 > HeadOptions.Default.L2 && run.Head.Trainer != TrainerKind.LightGbm)
        {
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"--l2 {head.L2:G3} (default {HeadOptions.Default.L2:G3})"));
        }

        if (run.Head.Trainer == TrainerKind.LightGbm && run.HeadRows < LightGbmFewRows)
        {
            settings.Add($"--trainer LightGbm on {run.HeadRows} training rows (its trees need more; the linear trainers learn from a handful)");
        }

        if (settings.Count > 0)
        {
            return $"the head's settings may have kept it from learning: {string.Join(", ", settings)}; try without them";
        }

        return "its features carry no class information; " +
            (options.UserBackbone is null ? "check that the class folders really differ" : "check --backbone-layer and the preprocessing options");
    }

    /// <summary>
    /// Below this many rows LightGbm's trees hardly split: on mask-sample faces, 8 and 12 rows gave a
    /// chance-level model, 16 and 20 rows learned (log-loss 0.52, 0.47), 32 rows 0.15.
    /// </summary>
    private const int LightGbmFewRows = 16;

    /// <summary>Issue #6: a fresh clone with an empty data/ still trains, on a small synthetic set built from photos the store downloads.</summary>
    private static void BuildStarterSet(MaskTrainingOptions options, ModelStore store, CancellationToken ct)
    {
        string data = options.DataDirectory;
        Console.WriteLine($"No images in '{data}': building the starter dataset (face photos MaskTrainer downloads itself, with synthetic masks).");
        Console.WriteLine($"It only shows the pipeline working; for a real model put your photos in {Path.Combine(data, "with_mask")} and {Path.Combine(data, "without_mask")} (see README).");
        using var synthesizer = MaskSynthesizer.Create(store, new MaskSynthesisOptions { Seed = options.Seed ?? new MaskSynthesisOptions().Seed }, options.FaceDetector);
        var starter = StarterDataset.BuildAsync(data, options.Workspace, store, synthesizer, log: new InlineProgress<string>(Console.WriteLine), ct: ct)
            .GetAwaiter().GetResult();
        SynthMasksCommand.Print(starter.Synthesis, data);
        Console.WriteLine($"Starter set ready ({Path.Combine(data, StarterDataset.NoticeFileName)} says what it is); training on it.");
    }

    private MaskTrainingOptions BuildOptions(ParseResult r)
    {
        var backbone = r.GetValue(_backbone)!;
        UserBackboneOptions? user = null;
        if (ModelChoices.IsBackboneFile(backbone))
        {
            var layer = r.GetValue(_layer) ?? throw new ArgumentException($"--backbone {backbone} is a file: also give --backbone-layer (the feature layer's name)");
            var (w, h) = ParseSize(r.GetValue(_input)!);
            user = new UserBackboneOptions
            {
                Preprocessing = new Preprocessing(w, h,
                    r.GetValue(_channels).Value,
                    ParseTriple(r.GetValue(_mean)!, positive: false),
                    r.GetValue(_scale),
                    r.GetValue(_layout).Value,
                    r.GetValue(_std) is { } std ? ParseTriple(std, positive: true) : null),
                FeatureLayer = layer,
            };
        }

        int seed = r.GetValue(_seed);
        return new MaskTrainingOptions
        {
            DataDirectory = r.GetValue(_data)!,
            OutputPath = r.GetValue(_output)!,
            Backbone = backbone,
            UserBackbone = user,
            Head = new HeadOptions { Trainer = r.GetValue(_trainer), MaxIterations = r.GetValue(_iterations), L2 = (float)r.GetValue(_l2) },
            Split = new SplitOptions { TestFraction = r.GetValue(_testFraction), ValidationFraction = r.GetValue(_validationFraction) },
            Augmentation = new AugmentationOptions { Copies = r.GetValue(_augment) },
            Workspace = r.GetValue(_workspace)!,
            ModelsDirectories = r.GetValue(_modelsDir) ?? [],
            FaceCrop = !r.GetValue(_noFaceCrop),
            FaceDetector = r.GetValue(_detector)!,
            FaceCropStage = new FaceCropStageOptions { Crop = r.GetValue(_keepContext) ? FaceCropOptions.Default : FaceCropOptions.Training },
            WriteReport = !r.GetValue(_noReport),
            Seed = seed,
        };
    }

    /// <summary>
    /// How to start the detector from the current folder: ./detect.sh in the repository, where
    /// README runs us; from elsewhere (train.sh runs the app in the caller's folder) its path.
    /// </summary>
    private static string DetectScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, "detect.sh");
            if (File.Exists(script))
            {
                var relative = Path.GetRelativePath(Environment.CurrentDirectory, script);
                return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? script : "./" + relative;
            }
        }

        return "detect.sh";
    }

    /// <summary>A path as a shell takes it when copied from the hint: quoted when it holds a space.</summary>
    private static string Quoted(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"'{path}'" : path;
}
