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
public sealed record FeaturizeTotals(int Computed, int CacheHits, int FacesFound, int FaceFallbacks, TimeSpan Elapsed);
