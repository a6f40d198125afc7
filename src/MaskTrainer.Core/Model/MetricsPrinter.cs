using System.Globalization;
using System.Text;

namespace MaskTrainer.Model;

/// <summary>Plain-text summary of <see cref="ClassificationMetrics"/> for the console and reports.</summary>
public static class MetricsPrinter
{
    /// <summary>
    /// Overall metrics (one per line), then a per-class table with a macro-average row over the
    /// classes that have examples ("-" for the recall and F1 of a class with no examples, which an
    /// evaluation folder of one class gives; a class never predicted has precision 0, as in
    /// ML.NET's confusion table and metrics.json), e.g.
    /// <code>
    /// Examples:            240
    /// Micro accuracy:      0.9750
    /// ...
    /// Class          Precision   Recall       F1  Support
    /// with_mask         0.9752   0.9833   0.9793      120
    /// </code>
    /// </summary>
    public static string Format(ClassificationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Line(string name, string value) => sb.Append((name + ":").PadRight(21)).AppendLine(value);
        string F(double v) => v.ToString("F4", inv);
        string Maybe(double v, bool defined) => defined ? F(v) : "-";

        Line("Examples", metrics.Count.ToString(inv));
        Line("Micro accuracy", F(metrics.Accuracy));
        Line("Macro accuracy", F(metrics.MacroAccuracy));
        Line("Log-loss", F(metrics.LogLoss));
        // "-" when only one class has examples, as in the table below: the note under it says why.
        Line("Log-loss reduction", metrics.LogLossReduction is { } reduction ? F(reduction) : "-");
        if (metrics.Auc is { } auc)
        {
            Line($"AUC ({metrics.Labels[1]})", F(auc));
        }

        sb.AppendLine();
        int width = Math.Max(9, metrics.Labels.Max(l => l.Length));
        sb.AppendLine($"{"Class".PadRight(width)}  {"Precision",9} {"Recall",8} {"F1",8} {"Support",8}");
        // A class with no examples (an evaluation folder may hold one class only) has no recall or
        // F1: "-", not a 0 that reads as a failure. Precision follows ClassificationMetrics.
        foreach (var (label, c) in metrics.PerClass)
        {
            bool hasRecall = c.Support > 0;
            sb.AppendLine(inv, $"{label.PadRight(width)}  {F(c.Precision),9} {Maybe(c.Recall, hasRecall),8} {Maybe(c.F1, hasRecall),8} {c.Support,8}");
        }

        var present = metrics.PerClass.Where(p => p.Value.Support > 0).ToList();
        string Mean(double figure) => present.Count == 0 ? "-" : F(figure);
        sb.AppendLine(inv, $"{"Macro avg".PadRight(width)}  {Mean(metrics.MacroPrecision),9} {Mean(metrics.MacroRecall),8} {Mean(metrics.MacroF1),8} {metrics.Count,8}");
        if (present.Count == 0)
        {
            // Nothing to average over: the sentence below would name no class.
            sb.AppendLine("No examples of any class: there is nothing to average.");
        }
        else if (present.Count < metrics.Labels.Count)
        {
            var absent = metrics.Labels.Where(l => metrics.PerClass[l].Support == 0);
            sb.AppendLine($"No examples of {string.Join(", ", absent)}: the averages are over {string.Join(", ", present.Select(p => p.Key))} alone; "
                          + "read the recall (the share of its images called that class). Log-loss reduction and AUC need examples of every class.");
        }

        return sb.ToString();
    }
}
