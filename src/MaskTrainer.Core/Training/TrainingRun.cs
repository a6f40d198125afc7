using MaskTrainer.Data;
using MaskTrainer.Model;

namespace MaskTrainer;

/// <summary>What a finished training run produced and measured.</summary>
public sealed record TrainingRun
{
    /// <summary>What was saved beside the ML.NET model (labels, face crop, backbone, metrics).</summary>
    public required ModelMetadata Metadata { get; init; }

    /// <summary>Metrics on the held-out test split.</summary>
    public required ClassificationMetrics TestMetrics { get; init; }

    /// <summary>The split that was used.</summary>
    public required DatasetSplit Split { get; init; }

    /// <summary>Per class, the images of each split that were used (decoded), and the class's files skipped; empty when not known.</summary>
    public IReadOnlyList<SplitClassCount> Used { get; init; } = [];

    /// <summary>The fitted head: which ML.NET trainer, and how the candidates of <c>--trainer auto</c> scored.</summary>
    public required HeadFit Head { get; init; }

    /// <summary>Rows the head learned from (augmented copies included; the validation split's too for a fixed trainer).</summary>
    public int HeadRows { get; init; }

    /// <summary>Images that could not be used, with the reason.</summary>
    public required IReadOnlyList<SkippedItem> Skipped { get; init; }

    /// <summary>Featurizing counters summed over all parts.</summary>
    public required FeaturizeTotals Featurizing { get; init; }

    /// <summary>Paths of what was written.</summary>
    public required string ModelPath { get; init; }

    /// <summary>metrics.json beside the model.</summary>
    public required string MetricsPath { get; init; }

    /// <summary>The HTML report, when written.</summary>
    public string? ReportPath { get; init; }

    /// <summary>Wall time of the whole run.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>Featurizing counters of a run (cache hits mean work saved).</summary>
/// <param name="Computed">Rows run through the backbone: images and their augmented copies.</param>
/// <param name="CacheHits">Rows read from the cache.</param>
/// <param name="FacesFound">Images (not copies) in which a face was found.</param>
/// <param name="FaceFallbacks">Images (not copies) used whole because no face was found.</param>
public sealed record FeaturizeTotals(int Computed, int CacheHits, int FacesFound, int FaceFallbacks, TimeSpan Elapsed)
{
    /// <summary>Images that gave features (their augmented copies not counted).</summary>
    public int Images { get; init; }

    /// <summary>Augmented copies among the rows.</summary>
    public int AugmentedCopies => Computed + CacheHits - Images;
}
