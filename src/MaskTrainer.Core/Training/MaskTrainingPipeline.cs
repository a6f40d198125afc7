using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Models;
using Microsoft.ML;

namespace MaskTrainer;

/// <summary>
/// The training job, step by step as it reads: load the image folders → split → crop faces
/// and featurize with the frozen backbone (cached) → train the head → evaluate on the test
/// split → save the ML.NET model zip, metrics.json and the report. <see cref="Run"/> does all of it.
/// </summary>
public sealed class MaskTrainingPipeline
{
    /// <summary>The metrics file written beside the model.</summary>
    public const string MetricsFileName = "metrics.json";

    /// <summary>The report's folder beside the model (index.html inside).</summary>
    public const string ReportFolderName = "report";

    private readonly MaskTrainingOptions _options;
    private bool _checkedBeforeWork;
    private readonly ITrainingObserver _observer;
    private readonly ModelStore _store;

    /// <param name="options">What to train and where to write it.</param>
    /// <param name="store">Where pretrained models come from; null = the default store (cache + MASKTRAINER_MODELS).</param>
    /// <param name="observer">Progress sink; null = silent.</param>
    public MaskTrainingPipeline(MaskTrainingOptions options, ModelStore? store = null, ITrainingObserver? observer = null)
    {
        _options = (options ?? throw new ArgumentNullException(nameof(options))).WithSeedApplied();
        _observer = observer ?? TrainingObserver.Silent;
        _store = store ?? new ModelStore(ModelStoreOptions.FromEnvironment(options.ModelsDirectories));
    }

    /// <summary>Trains, evaluates and saves. Nothing is written until the model is complete.</summary>
    /// <exception cref="DatasetException">The data folder is missing or unusable (checked before any work), or a
    /// class has too few images that could be read (checked after the featurizing, before the head).</exception>
    /// <exception cref="ArgumentException">The options disagree or are out of range (checked before any work: <see cref="CheckBeforeWork"/>).</exception>
    /// <exception cref="ModelFileException">The model cannot be written where asked (checked before any work).</exception>
    /// <exception cref="IOException">A file is in the workspace's way (checked before the featurizing; a workspace that
    /// cannot be written is a warning, and the run goes on without caching).</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the model was saved; nothing is overwritten.</exception>
    public TrainingRun Run(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        if (!_checkedBeforeWork)
        {
            CheckBeforeWork();
        }

        var data = LoadData(cancellationToken);
        var split = Split(data);
        var cache = new BottleneckCache(_options.Workspace, _observer.Warning);
        var backbone = ResolveBackbone();

        using var featurizer = BackboneFeaturizer.Create(backbone, _store);
        if (featurizer.PooledSpatialLayer)
        {
            _observer.Info($"Feature layer '{backbone.FeatureLayer}' gives {string.Join(" x ", featurizer.FeatureShape)} values per image: global-average pooled to {featurizer.FeatureSize} (name a flat layer to use one as is)");
        }

        using var detector = _options.FaceCrop ? FaceDetectors.Create(_options.FaceDetector, _store, new FaceDetectorOptions { OnFallback = _observer.Warning }) : null;
        var faceStage = detector is null ? null : new FaceCropStage(detector, _options.FaceCropStage);
        _observer.Info(faceStage is null
            ? "Face crop: off (whole images)"
            : $"Face crop: {detector!.Id} detector{(detector is IVerifiedFaceDetector { Verification: not null } ? " + face verifier" : "")}, " +
              $"margin {_options.FaceCropStage.Crop.Margin:0.##} {(_options.FaceCropStage.Crop.BlankMargin ? "blanked (the head sees the face only)" : "kept")}, " +
              (_options.FaceCropStage.Crop.Square ? "squared" : "the face box's shape"));
        var datasetFeaturizer = new DatasetFeaturizer(featurizer, faceStage, cache, _options.Augmentation);
        // The split as planned, before the minutes of featurizing (a run stopped there still showed it).
        _observer.Info(split.Describe().TrimEnd());

        var train = Featurize(datasetFeaturizer, "train", split.Train, augment: _options.Augmentation.Copies > 0, cancellationToken);
        var validation = split.Validation.Count > 0
            ? Featurize(datasetFeaturizer, "validation", split.Validation, augment: false, cancellationToken)
            : null;
        var test = Featurize(datasetFeaturizer, "test", split.Test, augment: false, cancellationToken);
        // An empty or truncated file is in the split and skipped when decoded: then the table again,
        // with the images used and the skipped ones beside them.
        var used = SplitUsage.Count(split, train, validation, test);
        if (used.Any(c => c.Skipped > 0))
        {
            _observer.Info("Used, once the unreadable files were skipped:" + Environment.NewLine + split.Describe(used, notes: false).TrimEnd());
        }
        TrainingChecks.Readable(_options, data, split, train, validation, test);

        // The head: ML.NET trainers on the cached features (FeatureDataView), evaluated by ML.NET.
        var ml = new MLContext(seed: _options.Head.Seed);
        var labels = data.Labels;
        // The validation split only chooses among trainers (--trainer Auto); a fixed trainer learns from it too.
        bool foldValidation = _options.Head.Trainer != TrainerKind.Auto && validation is { Rows: > 0 };
        var trainView = FeatureDataView.Create(ml, foldValidation ? [train, validation!] : [train], labels, _options.Head.BalanceClasses);
        var validationView = !foldValidation && validation is { Rows: > 0 } ? FeatureDataView.Create(ml, validation, labels, balance: false) : null;
        var testView = FeatureDataView.Create(ml, test, labels, balance: false);
        int rows = train.Rows + (foldValidation ? validation!.Rows : 0);
        string rowsFrom = foldValidation ? "train + validation" : validationView is not null ? "train; validation picks the trainer" : "train; no validation split";
        _observer.Info($"Training the head ({_options.Head.Trainer}) on {rows} x {featurizer.FeatureSize} features ({rowsFrom})");
        // The model's featurizer step loads the backbone into ONNX Runtime: a large part of a run
        // whose features are all cached, so it is built on the other core while the head trains on one.
        using var featurizerStep = new FeaturizerStep(featurizer.Graph, backbone.Id, featurizer.SourcePath);
        var head = MaskModelTraining.FitHead(ml, trainView, validationView, labels, _options.Head, _observer.Info, cancellationToken);
        var scored = head.Head.Transform(testView);
        var metrics = ClassificationMetrics.Evaluate(ml, scored, labels);
        var testScores = FeatureDataView.ReadScores(scored, labels.Count);
        var skipped = Concat(data.SkippedByExtension, data.Unreadable, train.Skipped, validation?.Skipped, test.Skipped);
        var document = MetricsDocument.From(metrics, skipped);

        var faceCrop = faceStage is null ? FaceCropPolicy.Off : new FaceCropPolicy
        {
            Enabled = true,
            DetectorId = detector!.Id,
            LiveDetectorId = FaceDetectors.LiveId,
            Margin = _options.FaceCropStage.Crop.Margin,
            Square = _options.FaceCropStage.Crop.Square,
            BlankMargin = _options.FaceCropStage.Crop.BlankMargin,
            MinConfidence = _options.FaceCropStage.MinConfidence ?? detector.DefaultMinConfidence,
        };
        var metadata = new ModelMetadata
        {
            ToolVersion = typeof(MaskModel).Assembly.GetName().Version?.ToString() ?? "",
            Labels = labels.ToArray(),
            FaceCrop = faceCrop,
            Backbone = new BackboneIdentity
            {
                Id = backbone.Id,
                Sha256 = backbone.Files.Select(f => f.Sha256).ToArray(),
                GraphKey = featurizer.Graph.Key,
                FeatureSize = featurizer.FeatureSize,
                InputWidth = featurizer.Graph.InputWidth,
                InputHeight = featurizer.Graph.InputHeight,
                CacheKey = featurizer.CacheKey,
            },
            Trainer = head.Trainer.ToString(),
            Metrics = JsonNode.Parse(document.ToJson())!.AsObject(),
            Dataset = DatasetJson(data, split, used, skipped),
            TrainingOptions = OptionsJson(detector?.Id),
        };
        using var model = MaskModel.Create(ml, featurizerStep.Take(), head.Head, metadata);

        // Once the files are being written they are finished and put in place together, so they
        // match; a Ctrl+C still leaves the previous model in place until then, and while the
        // commit waits for another run's lock (OutputCommit), when nothing is replaced yet.
        cancellationToken.ThrowIfCancellationRequested();
        var layout = OutputLayout.For(_options.ModelPath);
        // Each output is written in full to its temp file first (the model's zip takes a while), so
        // that putting the three in place together is renames alone, made under a lock (OutputCommit).
        using var modelFile = Prepared(_options.ModelPath, () => AtomicFile.Prepare(_options.ModelPath, model.Save));
        using var metricsFile = Prepared(layout.MetricsPath, () => AtomicFile.Prepare(layout.MetricsPath, System.Text.Encoding.UTF8.GetBytes(document.ToJson())));
        string? reportPath = _options.WriteReport ? layout.ReportPath : null;
        using var reportFile = reportPath is null ? null : Prepared(reportPath,
            () => AtomicFile.Prepare(reportPath, TrainingReport.Render(_options, detector?.Id, metrics, head, split, used, test, testScores, skipped)));
        if (OutputCommit.Commit(layout, modelFile, metricsFile, reportFile, _observer.Info, cancellationToken: cancellationToken))
        {
            _observer.Info($"Removed {layout.ReportPath}: written by an earlier run, it described the model this one replaced (--no-report writes none)");
        }

        var totals = Sum(train, validation, test);
        return new TrainingRun
        {
            Metadata = metadata,
            TestMetrics = metrics,
            Split = split,
            Used = used,
            Head = head,
            HeadRows = rows,
            Skipped = skipped,
            Featurizing = totals,
            ModelPath = _options.ModelPath,
            MetricsPath = layout.MetricsPath,
            ReportPath = reportPath,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>
    /// Runs <paramref name="prepare"/>, which writes the temp file of <paramref name="path"/>, the model
    /// or a file beside it. A failure the check before the work could not foresee (the disk filled up
    /// meanwhile) is one line naming <paramref name="path"/>: .NET's own message names the temp file,
    /// which is gone by then. Nothing is replaced until all three are written (<see cref="OutputCommit"/>).
    /// </summary>
    private AtomicFile.PendingFile Prepared(string path, Func<AtomicFile.PendingFile> prepare)
    {
        try
        {
            return prepare();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = FilePaths.WhyNotWritten(e, Path.GetDirectoryName(Path.GetFullPath(path))!);
            throw path == _options.ModelPath
                ? new ModelFileException(path, $"the model could not be saved: {why}; a model there before is left as it was", e)
                : new IOException($"{path}: could not be written: {why}; the model was not saved either (a model there before is left as it was, with its files)", e);
        }
    }

    /// <summary>Why Auto without a validation split is refused (<see cref="CheckBeforeWork"/>; the CLI says it at parse time).</summary>
    public const string AutoNeedsValidation =
        "--trainer Auto picks the trainer by its validation log-loss and needs a validation split: give --validation-fraction above 0 or name a trainer";

    /// <summary>
    /// The checks <see cref="Run"/> makes before any work: the trainer and the split agree, the model
    /// (and metrics.json, report/) can go where asked, the workspace can hold the cache. A caller with
    /// work of its own before <see cref="Run"/> (the CLI's starter set) makes them first.
    /// </summary>
    /// <exception cref="ArgumentException">No test split, Auto without a validation split, or a head or augmentation
    /// setting out of range (<see cref="HeadOptions.Validate"/>, <see cref="MaskTrainingOptions.MaxAugmentationCopies"/>).</exception>
    /// <exception cref="ModelFileException">The model cannot be written where asked.</exception>
    /// <exception cref="IOException">The workspace cannot hold the feature cache.</exception>
    public void CheckBeforeWork()
    {
        TrainingChecks.BeforeWork(_options);
        _checkedBeforeWork = true; // the options cannot change, so Run need not make the probe writes again
    }

    /// <summary>Step 1: reads the class folders and hashes every image (errors before any work).</summary>
    public ImageFolderDataset LoadData(CancellationToken cancellationToken = default)
    {
        var data = ImageFolderDataset.Load(_options.DataDirectory, cancellationToken: cancellationToken);
        _observer.Info(data.ToString());
        foreach (var s in data.Unreadable)
        {
            _observer.Warning($"skipped {s.Path}: {s.Reason}");
        }

        foreach (var conflict in data.Conflicts)
        {
            _observer.Warning($"the same image is in several classes ({string.Join(", ", conflict.Labels)}): {conflict.Examples[0].Path}");
        }

        return data;
    }

    /// <summary>
    /// Step 2: stratified, seeded split of the distinct images (identical files are used once).
    /// Its table is printed once the images are featurized, with the counts of those used.
    /// </summary>
    public DatasetSplit Split(ImageFolderDataset data) => DatasetSplitter.Split(data, _options.Split);

    /// <summary>The backbone the options name: a catalog id, or a user-supplied file.</summary>
    public ModelSpec ResolveBackbone()
    {
        if (_options.UserBackbone is { } user)
        {
            return ModelCatalog.ForUserBackbone(_options.Backbone, user.Preprocessing, user.FeatureLayer, user.FeatureSize);
        }

        var spec = ModelCatalog.Default.Get(_options.Backbone);
        if (spec.Role != ModelRole.Backbone)
        {
            throw new ArgumentException($"'{spec.Id}' is a {spec.Role} model, not a backbone; backbones: {string.Join(", ", BackboneIds())}");
        }

        return spec;
    }

    private static IEnumerable<string> BackboneIds()
    {
        foreach (var m in ModelCatalog.Default.WithRole(ModelRole.Backbone))
        {
            yield return m.Id;
        }
    }

    private FeaturizedData Featurize(DatasetFeaturizer featurizer, string part, IReadOnlyList<ImageExample> examples, bool augment, CancellationToken ct)
    {
        var result = featurizer.Featurize(examples, augment, new InlineProgress<FeaturizeProgress>(p => _observer.Featurizing(part, p)), ct);
        foreach (var s in result.Skipped)
        {
            _observer.Warning($"skipped {s.Path}: {s.Reason}");
        }

        return result;
    }

    /// <param name="detectorUsed">The face detector that cut the crops: the one asked for, or what it fell back to (the
    /// cascade without res10); metadata.json says what the model was trained with. Null when the face crop is off.</param>
    private JsonObject OptionsJson(string? detectorUsed) => new()
    {
        ["data"] = FullPath(_options.DataDirectory),
        // A catalog id as it is; a backbone file by its full path, as the data folder.
        ["backbone"] = _options.UserBackbone is null ? _options.Backbone : FullPath(_options.Backbone),
        ["head"] = JsonSerializer.SerializeToNode(_options.Head, ModelMetadata.Json),
        ["split"] = JsonSerializer.SerializeToNode(_options.Split, ModelMetadata.Json),
        ["augmentation"] = JsonSerializer.SerializeToNode(_options.Augmentation, ModelMetadata.Json),
        ["faceCrop"] = _options.FaceCrop,
        ["faceDetector"] = detectorUsed,
        ["seed"] = _options.Seed,
    };

    /// <param name="used">Per class, the images used in each split (<see cref="SplitUsage"/>).</param>
    private static JsonObject DatasetJson(ImageFolderDataset data, DatasetSplit split, IReadOnlyList<SplitClassCount> used, IReadOnlyList<SkippedItem> skipped)
    {
        var perClass = new JsonObject();
        foreach (var c in used)
        {
            perClass[c.Label] = new JsonObject { ["train"] = c.Train, ["validation"] = c.Validation, ["test"] = c.Test };
        }

        return new JsonObject
        {
            ["root"] = FullPath(data.Root),
            ["images"] = data.Examples.Count,
            ["duplicateGroups"] = data.DuplicateGroups.Count,
            ["identicalCopiesLeftOut"] = split.LeftOutCopies.Count,
            ["skipped"] = skipped.Count,
            ["split"] = perClass,
        };
    }

    /// <summary>
    /// A path as metadata.json records it: full, with no trailing separator. As typed, "data",
    /// "./data/" and "/home/me/data" gave three different zips from one folder and one seed, and a
    /// relative path says nothing once the zip is elsewhere; the full path names the folder the
    /// model was trained on (its name alone would not tell two "data" folders apart).
    /// </summary>
    private static string FullPath(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static List<SkippedItem> Concat(params IReadOnlyList<SkippedItem>?[] lists)
    {
        var all = new List<SkippedItem>();
        foreach (var l in lists)
        {
            if (l is not null)
            {
                all.AddRange(l);
            }
        }

        return all;
    }

    private static FeaturizeTotals Sum(params FeaturizedData?[] parts)
    {
        int computed = 0, hits = 0, faces = 0, fallbacks = 0, images = 0;
        var elapsed = TimeSpan.Zero;
        foreach (var p in parts)
        {
            if (p is null)
            {
                continue;
            }

            computed += p.Stats.Computed;
            hits += p.Stats.CacheHits;
            faces += p.Stats.FacesFound;
            fallbacks += p.Stats.FaceFallbacks;
            elapsed += p.Stats.Elapsed;
            foreach (int copy in p.AugmentIndices.Span)
            {
                images += copy == 0 ? 1 : 0;
            }
        }

        return new FeaturizeTotals(computed, hits, faces, fallbacks, elapsed) { Images = images };
    }
}
