using System.Text.Json.Nodes;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Models;
using MaskTrainer.Prediction;
using MaskTrainer.Serialization;
using MaskTrainer.Training;

namespace MaskTrainer;

/// <summary>
/// A trained face-mask classifier: frozen backbone + trained head + the face-crop settings it
/// was trained with. Immutable; saved as one self-contained zip. Create one
/// <see cref="MaskPredictionEngine"/> per thread to classify images or face crops.
/// </summary>
public sealed class MaskClassifier
{
    internal MaskClassifier(
        IReadOnlyList<string> labels,
        ModelSpec backbone,
        IReadOnlyDictionary<string, string> backboneFiles,
        TrainedHead head,
        FaceCropInfo? faceCrop,
        ModelManifest? manifest = null)
    {
        Labels = labels;
        Backbone = backbone;
        BackboneFiles = backboneFiles;
        Head = head;
        FaceCrop = faceCrop;
        Manifest = manifest;
    }

    /// <summary>Class names in output order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The frozen feature extractor.</summary>
    public ModelSpec Backbone { get; }

    /// <summary>Backbone file name to local path.</summary>
    public IReadOnlyDictionary<string, string> BackboneFiles { get; }

    /// <summary>The trained head.</summary>
    public TrainedHead Head { get; }

    /// <summary>How faces were cropped in training (null or disabled: whole images).</summary>
    public FaceCropInfo? FaceCrop { get; }

    /// <summary>The manifest this model was loaded from or last saved with.</summary>
    public ModelManifest? Manifest { get; }

    /// <summary>The crop options that go with this model, for the detector app.</summary>
    public FaceCropOptions CropOptions => new()
    {
        Margin = FaceCrop?.Margin ?? FaceCropOptions.Default.Margin,
        Square = FaceCrop?.Square ?? FaceCropOptions.Default.Square,
        BlankMargin = FaceCrop?.BlankMargin ?? FaceCropOptions.Default.BlankMargin,
    };

    /// <summary>Creates a prediction engine with its own network instance (one per thread).</summary>
    /// <param name="store">Where to find the face detector when whole images are classified; null = default store.</param>
    public MaskPredictionEngine CreatePredictionEngine(ModelStore? store = null) => new(this, store);

    /// <summary>Opens a featurizer (a fresh network instance) for this model's backbone.</summary>
    public BackboneFeaturizer CreateFeaturizer()
    {
        var paths = new List<string>(Backbone.Files.Count);
        foreach (var f in Backbone.Files)
        {
            paths.Add(BackboneFiles[f.Name]);
        }

        return new BackboneFeaturizer(Backbone, paths);
    }

    /// <summary>
    /// Saves the model as one zip (written to a temp file, then renamed: a failure leaves any
    /// previous file untouched).
    /// </summary>
    public MaskClassifier Save(string path, JsonObject? trainingOptions = null, JsonObject? metrics = null,
        JsonObject? datasetSummary = null, bool embedBackbone = true)
    {
        var manifest = new ModelManifest
        {
            ToolVersion = typeof(MaskClassifier).Assembly.GetName().Version?.ToString() ?? "",
            Labels = Labels,
            Backbone = BackboneConversion.ToInfo(Backbone, BackboneFiles, embedBackbone),
            FaceCrop = FaceCrop,
            Head = new HeadInfo { Kind = Head.Kind.ToString() },
            TrainingOptions = trainingOptions,
            Metrics = metrics,
            DatasetSummary = datasetSummary,
        };
        var written = ModelPackage.Save(path, manifest, Head.ToTensors(), BackboneFiles, embedBackbone);
        return new MaskClassifier(Labels, Backbone, BackboneFiles, Head, FaceCrop, written);
    }

    /// <summary>
    /// Loads and verifies a model zip. The embedded backbone is extracted once into the model
    /// store's cache (keyed by its SHA-256); a model saved without its backbone is resolved
    /// through the store's offline folders and cache.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, corrupt, tampered with or of another format version.</exception>
    public static MaskClassifier Load(string path, ModelStore? store = null)
    {
        if (!File.Exists(path))
        {
            throw new ModelFileException(path, "model file not found (train one with ./train.sh, or pass --model)");
        }

        var cacheRoot = store?.Options.CacheDirectory ?? ModelStoreOptions.FromEnvironment().CacheDirectory;
        var options = new LoadOptions
        {
            BackboneCacheDirectory = Path.Combine(cacheRoot, "extracted"),
            BackboneResolver = file => ResolveFromCatalog(file, store),
        };
        using var package = ModelPackage.Load(path, options);
        var manifest = package.Manifest;
        if (!Enum.TryParse<HeadKind>(manifest.Head.Kind, ignoreCase: true, out var kind))
        {
            throw new ModelFileException(path, $"unknown head kind '{manifest.Head.Kind}'");
        }

        TrainedHead head;
        try
        {
            head = TrainedHead.FromTensors(kind, package.HeadTensors);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFileException(path, e.Message, e);
        }

        if (head.ClassCount != manifest.Labels.Count)
        {
            throw new ModelFileException(path, $"the head has {head.ClassCount} outputs but the manifest names {manifest.Labels.Count} labels");
        }

        var files = new Dictionary<string, string>(package.BackboneFiles, StringComparer.Ordinal);
        var spec = BackboneConversion.FromInfo(manifest.Backbone, files, path);
        return new MaskClassifier(manifest.Labels, spec, files, head, manifest.FaceCrop, manifest);
    }

    private static string? ResolveFromCatalog(BackboneFile file, ModelStore? store)
    {
        foreach (var model in ModelCatalog.Default.Models)
        {
            foreach (var f in model.Files)
            {
                if (string.Equals(f.Sha256, file.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    var s = store ?? new ModelStore(ModelStoreOptions.FromEnvironment());
                    try
                    {
                        return s.GetFilePath(model, f.Name);
                    }
                    finally
                    {
                        if (store is null)
                        {
                            s.Dispose();
                        }
                    }
                }
            }
        }

        return null;
    }
}
