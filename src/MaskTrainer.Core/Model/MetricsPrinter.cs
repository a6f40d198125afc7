using System.Globalization;
using System.Text;

namespace MaskTrainer.Model;

/// <summary>Plain-text summary of <see cref="ClassificationMetrics"/> for the console and reports.</summary>
public static class MetricsPrinter
{
    /// <summary>
    /// Overall metrics (one per line), then a per-class table with a macro-average row, e.g.
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

        Line("Examples", metrics.Count.ToString(inv));
        Line("Micro accuracy", F(metrics.Accuracy));
        Line("Macro accuracy", F(metrics.MacroAccuracy));
        Line("Log-loss", F(metrics.LogLoss));
        Line("Log-loss reduction", F(metrics.LogLossReduction));
        if (metrics.Auc is { } auc)
        {
            Line($"AUC ({metrics.Labels[1]})", F(auc));
        }

        sb.AppendLine();
        int width = Math.Max(9, metrics.Labels.Max(l => l.Length));
        sb.AppendLine($"{"Class".PadRight(width)}  {"Precision",9} {"Recall",8} {"F1",8} {"Support",8}");
        foreach (var (label, c) in metrics.PerClass)
        {
            sb.AppendLine(inv, $"{label.PadRight(width)}  {c.Precision,9:F4} {c.Recall,8:F4} {c.F1,8:F4} {c.Support,8}");
        }

        var all = metrics.PerClass.Values;
        sb.AppendLine(inv, $"{"Macro avg".PadRight(width)}  {all.Average(c => c.Precision),9:F4} {all.Average(c => c.Recall),8:F4} {metrics.MacroF1,8:F4} {metrics.Count,8}");
        return sb.ToString();
    }
}
