using MaskTrainer.Data;
using MaskTrainer.Evaluation;
using MaskTrainer.Training;

namespace MaskTrainer;

/// <summary>What a finished training run produced and measured.</summary>
public sealed record TrainingRun
{
    /// <summary>The trained model, as saved.</summary>
    public required MaskClassifier Model { get; init; }

    /// <summary>Metrics on the held-out test split.</summary>
    public required ClassificationMetrics TestMetrics { get; init; }

    /// <summary>The split that was used.</summary>
    public required DatasetSplit Split { get; init; }

    /// <summary>Head training history and stop reason.</summary>
    public required TrainingResult Training { get; init; }

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
