namespace MaskTrainer.Reporting;

/// <summary>
/// Everything the HTML report shows, as plain values (the caller converts its metrics, history
/// and predictions; the report does no computation beyond normalising the confusion matrix).
/// Missing parts (null metrics, empty lists) are simply left out of the page.
/// </summary>
public sealed record ReportData
{
    /// <summary>Page title. Default "MaskTrainer report".</summary>
    public string Title { get; init; } = "MaskTrainer report";

    /// <summary>When the report was made. Default: the time it is rendered.</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The model file the report describes.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Class names; index i is row/column i of <see cref="ConfusionMatrix"/>.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Test counts, <c>ConfusionMatrix[truth][predicted]</c>; null when there was no test set.</summary>
    public int[][]? ConfusionMatrix { get; init; }

    /// <summary>Micro accuracy (fraction correct), 0..1.</summary>
    public double? Accuracy { get; init; }

    /// <summary>Macro accuracy (mean per-class recall), 0..1.</summary>
    public double? MacroAccuracy { get; init; }

    /// <summary>Mean cross-entropy on the test set.</summary>
    public double? LogLoss { get; init; }

    /// <summary>1 − LogLoss / LogLoss(class priors): how much better than guessing by class frequency.</summary>
    public double? LogLossReduction { get; init; }

    /// <summary>Area under the ROC curve (binary, or macro one-vs-rest).</summary>
    public double? Auc { get; init; }

    /// <summary>Per-class precision/recall/F1/support.</summary>
    public IReadOnlyList<ClassReportRow> PerClass { get; init; } = [];


    /// <summary>Test images the model got wrong (shown most confident first).</summary>
    public IReadOnlyList<MisclassifiedImage> Misclassified { get; init; } = [];

    /// <summary>Free-form dataset lines; "key: value" lines are shown as a two-column list.</summary>
    public IReadOnlyList<string> DatasetSummary { get; init; } = [];

    /// <summary>Images per class and split, shown as a table (class rows, train/validation/test/total columns, a total row;
    /// a skipped column when any <see cref="Data.SplitClassCount.Skipped"/> is above 0).</summary>
    public IReadOnlyList<Data.SplitClassCount> Split { get; init; } = [];

    /// <summary>Images left out of training or testing, and why.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; init; } = [];

    /// <summary>Free-form option lines; "key: value" lines are shown as a two-column list.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
}
