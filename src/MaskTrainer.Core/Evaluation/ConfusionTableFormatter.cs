using System.Globalization;
using System.Text;

namespace MaskTrainer.Evaluation;

/// <summary>
/// Renders a confusion matrix in the layout of ML.NET's
/// <c>ConfusionMatrix.GetFormattedConfusionTable()</c> for multiclass metrics: rows are the
/// truth, columns the prediction, recall in the right margin and precision in the footer.
/// Column width is 8 for two classes and 5 otherwise; when a label is longer than that, the
/// header shows class indices and each row is labelled "index. name", as ML.NET does. Numbers
/// use the invariant culture. Unlike ML.NET there is no leading blank line.
/// </summary>
public static class ConfusionTableFormatter
{
    public static string Format(ClassificationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var labels = metrics.Labels;
        var table = metrics.ConfusionMatrix;
        int k = labels.Count;
        var inv = CultureInfo.InvariantCulture;

        int columnWidth = k == 2 ? 8 : 5;
        int longestName = labels.Max(l => l.Length);
        bool numberedHeader = longestName > columnWidth;
        int digits = numberedHeader ? (k - 1).ToString(inv).Length : 0;
        int rowLabelWidth = numberedHeader ? longestName + digits + 2 : longestName;

        // "PREDICTED" (9 characters) is the narrowest the label column can be.
        int labelColumn = Math.Max(9, rowLabelWidth);
        string pad = new(' ', labelColumn - 9);
        string rule = string.Concat(Enumerable.Repeat(k > 2 ? "========" : "===========", k));

        var sb = new StringBuilder();
        sb.AppendLine("Confusion table");
        sb.Append("          ").Append(pad).Append("||").AppendLine(rule);
        sb.Append("PREDICTED ").Append(pad).Append("||");
        for (int c = 0; c < k; c++)
        {
            string header = numberedHeader ? c.ToString(inv) : labels[c];
            sb.Append(' ').Append(header.PadLeft(columnWidth)).Append(" |");
        }

        sb.AppendLine(" Recall");
        sb.Append("TRUTH     ").Append(pad).Append("||").AppendLine(rule);

        for (int t = 0; t < k; t++)
        {
            string rowLabel = numberedHeader
                ? t.ToString(inv).PadLeft(digits) + ". " + labels[t].PadLeft(labelColumn - digits - 2)
                : labels[t].PadLeft(labelColumn);
            sb.Append(rowLabel).Append(" ||");
            for (int p = 0; p < k; p++)
            {
                sb.Append(' ').Append(table[t][p].ToString("N0", inv).PadLeft(columnWidth)).Append(" |");
            }

            sb.Append(' ').AppendLine(metrics.PerClass[labels[t]].Recall.ToString("F4", inv).PadLeft(5));
        }

        sb.Append("          ").Append(pad).Append("||").AppendLine(rule);
        sb.Append("Precision ").Append(pad).Append("||");
        for (int p = 0; p < k; p++)
        {
            sb.Append(metrics.PerClass[labels[p]].Precision.ToString("N4", inv).PadLeft(columnWidth + 1)).Append(" |");
        }

        sb.AppendLine();
        return sb.ToString();
    }
}
