using System.Text.Json.Nodes;

namespace MaskTrainer.Serialization;

/// <summary>
/// Everything a model file says about itself, stored as <c>manifest.json</c> (camelCase JSON)
/// at the root of the model zip. <see cref="ModelPackage.Save"/> fills in the computed parts
/// (<see cref="FormatVersion"/>, hashes, sizes, <see cref="Entries"/>); callers describe the rest.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>The manifest layout this build writes and the only one it reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Layout version; a loader refuses versions it does not know.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>When the model was saved. Left at default, <see cref="ModelPackage.Save"/> uses the current time.</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Version of the tool that wrote the file (informational).</summary>
    public string ToolVersion { get; init; } = "";

    /// <summary>Class names in output order: index i of the head's output is <c>Labels[i]</c>.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>The frozen feature extractor and how to feed it.</summary>
    public required BackboneInfo Backbone { get; init; }

    /// <summary>How faces were cropped before featurizing; null when whole images were used.</summary>
    public FaceCropInfo? FaceCrop { get; init; }

    /// <summary>The trained head; its tensors live in <c>head/&lt;name&gt;.bin</c>.</summary>
    public required HeadInfo Head { get; init; }

    /// <summary>Training options as given (free-form, for the record and for reproducing a run).</summary>
    public JsonObject? TrainingOptions { get; init; }

    /// <summary>Test metrics (free-form; the same document is also stored as <c>metrics.json</c>).</summary>
    public JsonObject? Metrics { get; init; }

    /// <summary>Dataset summary (free-form: counts per class, splits, skipped images...).</summary>
    public JsonObject? DatasetSummary { get; init; }

    /// <summary>
    /// SHA-256 and size of every zip entry other than <c>manifest.json</c>. Computed by
    /// <see cref="ModelPackage.Save"/>; a loader rejects any entry not listed here or not matching.
    /// </summary>
    public IReadOnlyList<PackageEntry> Entries { get; init; } = [];

    /// <summary>The manifest as indented camelCase JSON, exactly as it is stored in the zip.</summary>
    public string ToJson() => ModelJson.Serialize(this);
}
