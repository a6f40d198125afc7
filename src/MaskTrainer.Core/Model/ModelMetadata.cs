using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MaskTrainer.Model;

/// <summary>
/// What MaskTrainer stores in a model zip beside ML.NET's own entries (entry
/// <see cref="EntryName"/>): what ML.NET cannot record — the labels in score order, the face-crop
/// policy, the backbone's identity, the metrics and the data the model was trained on.
/// ML.NET ignores the entry, so the zip stays a plain ML.NET model.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The zip entry holding this record as JSON.</summary>
    public const string EntryName = "MaskTrainer/metadata.json";

    /// <summary>
    /// Format of the whole zip. 3: an ML.NET model (ResizeImages → ExtractPixels → ApplyOnnxModel →
    /// head) plus this entry. Files of a higher version are refused with a clear message.
    /// </summary>
    public const int CurrentFormatVersion = 3;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>MaskTrainer version that wrote the file.</summary>
    public string ToolVersion { get; init; } = "";

    /// <summary>Class names in <see cref="ModelOutput.Score"/> order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>How faces are cropped before the model sees them.</summary>
    public FaceCropPolicy FaceCrop { get; init; } = FaceCropPolicy.Off;

    /// <summary>The frozen backbone.</summary>
    public required BackboneIdentity Backbone { get; init; }

    /// <summary>ML.NET trainer of the head (after <c>--trainer auto</c>: the one kept).</summary>
    public string Trainer { get; init; } = "";

    /// <summary>Test-split metrics (the metrics.json document).</summary>
    public JsonObject? Metrics { get; init; }

    /// <summary>Image counts per class and split, skipped files, duplicates.</summary>
    public JsonObject? Dataset { get; init; }

    /// <summary>The options of the training run (to reproduce it).</summary>
    public JsonObject? TrainingOptions { get; init; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        Encoder = Reporting.OutputJson.Encoder,
    };

    /// <summary>The record as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="JsonException">Not a metadata document.</exception>
    public static ModelMetadata FromJson(string json) =>
        JsonSerializer.Deserialize<ModelMetadata>(json, Json) ?? throw new JsonException("the metadata entry is null");
}

/// <summary>Which backbone computes the features: catalog id, source files' SHA-256, the graph ML.NET runs.</summary>
public sealed record BackboneIdentity
{
    /// <summary>Catalog id (e.g. <c>resnet18</c>) or <c>user:&lt;file&gt;</c>.</summary>
    public required string Id { get; init; }

    /// <summary>SHA-256 of each source file, in catalog order.</summary>
    public IReadOnlyList<string> Sha256 { get; init; } = [];

    /// <summary>The pixel graph's key (its sources' SHA-256s and the edit, <see cref="Features.PixelGraph.Key"/>) embedded in the ML.NET model.</summary>
    public string GraphKey { get; init; } = "";

    /// <summary>Values per feature vector.</summary>
    public int FeatureSize { get; init; }

    /// <summary>The backbone's input width and height in pixels.</summary>
    public int InputWidth { get; init; }

    public int InputHeight { get; init; }

    /// <summary>The featurizer's cache key: cached features are reused only under the same key.</summary>
    public string CacheKey { get; init; } = "";
}
