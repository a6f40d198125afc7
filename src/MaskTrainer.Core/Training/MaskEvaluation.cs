using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Models;

namespace MaskTrainer;

/// <summary>The metrics of a saved model on an image folder, what could not be read, and how many images had no face.</summary>
/// <param name="Metrics">ML.NET's metrics of the model's head.</param>
/// <param name="Skipped">Images left out, and why.</param>
/// <param name="Featurizing">Counts of the featurizing, among them <see cref="FeaturizeStats.FaceFallbacks"/>: images with no face found, classified whole.</param>
/// <param name="FaceCrop">Whether the model classifies face crops (else whole images, and there are no fallbacks).</param>
/// <param name="Copies">The folder's identical files: each picture is scored once per label, as training's split counts it.</param>
public sealed record EvaluationResult(ClassificationMetrics Metrics, IReadOnlyList<SkippedItem> Skipped, FeaturizeStats Featurizing, bool FaceCrop, IdenticalCopies Copies)
{
    /// <summary>
    /// Every image the model got wrong, the most confident errors first (<see cref="Misclassification.Find"/>):
    /// the metrics count them, and this names them (to look at, or to run predict on).
    /// </summary>
    public IReadOnlyList<Misclassification> Misclassified { get; init; } = [];

    /// <summary>The detector that cut the faces: the model's training one, or its stand-in; null when the face crop is off.</summary>
    public string? FaceDetector { get; init; }

    /// <summary>The metrics.json document (same schema as training writes).</summary>
    public MetricsDocument Document => MetricsDocument.From(Metrics, Skipped);
}

/// <summary>Scores a saved <see cref="MaskModel"/> on any image folder, the way training scored its test split.</summary>
public static class MaskEvaluation
{
    /// <summary>
    /// Featurizes every image of <paramref name="dataDirectory"/> (class = sub-folder name, which
    /// must be one of the model's labels) through the model's own face crop and backbone, then
    /// computes ML.NET's metrics of the model's head. The folder may hold fewer classes than the
    /// model (one alone included): classes without examples get no recall (support 0). The features are the ones the model's own
    /// ApplyOnnxModel step computes (same pixel graph), batched and cached.
    /// </summary>
    /// <param name="workspace">Bottleneck cache folder; null = no cache.</param>
    /// <param name="onWarning">Told when the model's face detector cannot run as trained (res10 or the
    /// face verifier unavailable) and another one crops the faces: the metrics are then of other
    /// crops than training's; and, once, when the workspace's cache cannot be written (the features
    /// are then computed without caching them). Null = not told.</param>
    /// <exception cref="IOException">A file is in the workspace's way (checked before the featurizing).</exception>
    public static EvaluationResult Evaluate(MaskModel model, string dataDirectory, ModelStore? store = null,
        string? workspace = null, IProgress<FeaturizeProgress>? progress = null,
        CancellationToken cancellationToken = default, Action<string>? onWarning = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        // One class folder is enough here (only training needs two): its recall is the figure to read.
        var data = ImageFolderDataset.Load(dataDirectory, ImageFolderOptions.Evaluation, cancellationToken);
        var all = MapLabels(data, model.Labels);
        // A photo copied 10 times is one test image, not 10 votes in the metrics: training's rule.
        var copies = IdenticalCopies.Of(all);
        var examples = new List<ImageExample>(all.Count - copies.LeftOut.Count);
        var folderClass = new List<int>(examples.Capacity); // each example's class index in data.Labels
        for (int i = 0; i < all.Count; i++)
        {
            if (copies.IsUsed(i))
            {
                examples.Add(all[i]);
                folderClass.Add(data.Examples[i].LabelIndex); // MapLabels keeps data.Examples' order
            }
        }

        // Warned as training warns (MaskTrainingPipeline): a cache that cannot be written stopped caching silently.
        var cache = workspace is null ? null : new BottleneckCache(workspace, onWarning);
        cache?.CheckWritable();

        using var ownedStore = store is null ? new ModelStore(ModelStoreOptions.FromEnvironment()) : null;
        var s = store ?? ownedStore!;
        using var featurizer = ModelBackbone.OpenFeaturizer(model, s);
        var policy = model.FaceCrop;
        // Said as training says it, plus what it means here: the head is scored on crops it was not trained on.
        var detectorOptions = new FaceDetectorOptions
        {
            OnFallback = onWarning is null ? null : m => onWarning($"{m}; the scores are of other face crops than the model was trained on"),
        };
        using var detector = policy.Enabled ? FaceDetectors.Create(policy.DetectorId ?? FaceDetectors.DefaultId, s, detectorOptions) : null;
        var stage = detector is null
            ? null
            : new FaceCropStage(detector, new FaceCropStageOptions { Crop = policy.CropOptions, MinConfidence = policy.MinConfidence });
        var featurized = new DatasetFeaturizer(featurizer, stage, cache).Featurize(examples, false, progress, cancellationToken);
        CheckReadable(data, folderClass, featurized);
        var view = FeatureDataView.Create(model.Context, featurized, model.Labels, balance: false);
        // Files of other extensions and files that could not even be read are listed like the ones that do not decode.
        var skipped = new List<SkippedItem>(data.SkippedByExtension);
        skipped.AddRange(data.Unreadable);
        skipped.AddRange(featurized.Skipped);
        // The metrics of EvaluateFeatures, from one scoring that also gives each image's probabilities.
        model.ThrowIfDisposed();
        var scored = model.Head.Transform(view);
        var metrics = ClassificationMetrics.Evaluate(model.Context, scored, model.Labels);
        var scores = FeatureDataView.ReadScores(scored, model.Labels.Count);
        return new EvaluationResult(metrics, skipped, featurized.Stats, stage is not null, copies)
        {
            Misclassified = Misclassification.Find(examples, featurized, scores, model.Labels.Count),
            FaceDetector = detector?.Id,
        };
    }

    /// <summary>
    /// A class folder none of whose images could be decoded is refused as an empty one is (and as
    /// training refuses it): its support of 0 would read as "no such class here", and with no
    /// readable image at all the report would be zeros.
    /// </summary>
    /// <exception cref="DatasetException">A class has no image that gave features; the message names one skipped file and why.</exception>
    /// <param name="folderClass">The class index in <paramref name="data"/> of each example featurized.</param>
    private static void CheckReadable(ImageFolderDataset data, List<int> folderClass, FeaturizedData featurized)
    {
        var readable = new int[data.Labels.Count];
        foreach (var e in featurized.ExampleIndices.Span)
        {
            readable[folderClass[e]]++;
        }

        for (int c = 0; c < readable.Length; c++)
        {
            if (readable[c] > 0)
            {
                continue;
            }

            var ofClass = data.Examples.Where(e => e.LabelIndex == c).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            var first = featurized.Skipped.FirstOrDefault(s => ofClass.Contains(s.Path));
            string example = first is null ? "" : $" (e.g. {first.Path}: {first.Reason})";
            int total = data.Summary[c].Count + data.Summary[c].Unreadable;
            throw new DatasetException($"class '{data.Labels[c]}' in '{data.Root}': none of its {total} images could be read{example}; fix or remove them");
        }
    }

    private static List<ImageExample> MapLabels(ImageFolderDataset data, IReadOnlyList<string> modelLabels)
    {
        var mapped = new List<ImageExample>(data.Examples.Count);
        foreach (var e in data.Examples)
        {
            // Compared canonically (ClassNames): a folder from macOS (NFD) names the same class as the label typed here (NFC).
            int i = ClassNames.IndexOf(modelLabels, e.Label);
            if (i < 0)
            {
                throw new DatasetException(
                    $"class folder '{e.Label}' in '{data.Root}' is not one of the model's labels ({string.Join(", ", modelLabels)})");
            }

            // The model's spelling from here on: the metrics and their tables name its labels.
            mapped.Add(e with { Label = modelLabels[i], LabelIndex = i });
        }

        return mapped;
    }
}
