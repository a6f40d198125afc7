using MaskTrainer.Features;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MaskTrainer.Model;

/// <summary>
/// Cached bottleneck features as an ML.NET <see cref="IDataView"/> with the columns the head
/// reads: <c>Label</c> (class name), <c>Features</c> (a vector of the backbone's size, the same
/// column the saved model's ApplyOnnxModel step writes) and <c>Weight</c> (class balancing).
/// </summary>
public static class FeatureDataView
{
    /// <summary>Column names shared by the featurizer part and the head part of the model.</summary>
    public const string Label = "Label", Features = "Features", Weight = "Weight", Image = "Image";

    /// <summary>The rows of <paramref name="data"/> (label indices into <paramref name="labels"/>).</summary>
    /// <param name="balance">Weight rows so every class weighs the same in total; false = weight 1.</param>
    public static IDataView Create(MLContext ml, FeaturizedData data, IReadOnlyList<string> labels, bool balance) =>
        Create(ml, [data], labels, balance);

    /// <summary>The rows of several parts (e.g. train and validation) as one view, in order.</summary>
    public static IDataView Create(MLContext ml, IReadOnlyList<FeaturizedData> parts, IReadOnlyList<string> labels, bool balance)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(labels);
        var all = new List<int>();
        foreach (var part in parts)
        {
            all.AddRange(part.Labels.ToArray());
        }

        var classWeights = balance ? BalancedWeights(all.ToArray(), labels.Count) : null;
        var rows = new List<FeatureRow>(all.Count);
        foreach (var part in parts)
        {
            var label = part.Labels.Span;
            for (int i = 0; i < part.Rows; i++)
            {
                rows.Add(new FeatureRow
                {
                    Label = labels[label[i]],
                    Features = part.Row(i).ToArray(),
                    Weight = classWeights is null ? 1f : classWeights[label[i]],
                });
            }
        }

        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, parts.Count > 0 ? parts[0].Dimension : 0);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>
    /// The key set of the <c>Label</c> column: the labels in the order given (sorted class
    /// folders), so <c>Score[i]</c> is <paramref name="labels"/>[i]. Pass it as MapValueToKey's keyData.
    /// </summary>
    public static IDataView LabelKeys(MLContext ml, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(labels);
        var rows = new LabelRow[labels.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new LabelRow { Label = labels[i] };
        }

        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>The <c>Score</c> column of a scored view, row-major (rows × <paramref name="classCount"/>).</summary>
    public static float[] ReadScores(IDataView scored, int classCount)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var scores = new List<float>();
        foreach (var row in scored.GetColumn<VBuffer<float>>("Score"))
        {
            for (int c = 0; c < classCount; c++)
            {
                scores.Add(row.GetItemOrDefault(c));
            }
        }

        return scores.ToArray();
    }

    /// <summary>N / (classes × count of the class) for each class present.</summary>
    internal static float[] BalancedWeights(ReadOnlySpan<int> labels, int classCount)
    {
        var counts = new int[classCount];
        foreach (int l in labels)
        {
            counts[l]++;
        }

        int present = 0;
        foreach (int c in counts)
        {
            present += c > 0 ? 1 : 0;
        }

        var weights = new float[classCount];
        for (int c = 0; c < classCount; c++)
        {
            weights[c] = counts[c] == 0 ? 0f : (float)((double)labels.Length / (present * (double)counts[c]));
        }

        return weights;
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }

    private sealed class FeatureRow
    {
        public string Label { get; set; } = "";

        public float[] Features { get; set; } = [];

        public float Weight { get; set; }
    }
}
