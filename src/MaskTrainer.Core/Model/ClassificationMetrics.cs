using System.Collections.ObjectModel;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MaskTrainer.Model;

/// <summary>
/// Classification quality of a model on labelled data: ML.NET's multiclass metrics
/// (<c>MulticlassClassification.Evaluate</c>) with per-class F1 and, for two classes, ROC AUC
/// derived from them. Immutable. Build with <see cref="Evaluate"/> or <see cref="Compute"/>.
/// </summary>
public sealed class ClassificationMetrics
{
    private ClassificationMetrics(
        IReadOnlyList<string> labels,
        int count,
        double accuracy,
        double macroAccuracy,
        double logLoss,
        double? logLossReduction,
        double? auc,
        IReadOnlyDictionary<string, ClassMetrics> perClass,
        IReadOnlyList<IReadOnlyList<int>> confusionMatrix)
    {
        Labels = labels;
        Count = count;
        Accuracy = accuracy;
        MacroAccuracy = macroAccuracy;
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        Auc = auc;
        PerClass = perClass;
        ConfusionMatrix = confusionMatrix;
        // The macro averages are over the classes that have examples, as ML.NET's macro accuracy:
        // a class absent from the evaluated folder has no recall to average in.
        var present = perClass.Values.Where(c => c.Support > 0).ToArray();
        MacroPrecision = present.Length == 0 ? 0 : present.Average(c => c.Precision);
        MacroRecall = present.Length == 0 ? 0 : present.Average(c => c.Recall);
        MacroF1 = present.Length == 0 ? 0 : present.Average(c => c.F1);
    }

    /// <summary>
    /// Below this many examples accuracy is reported as too uncertain to judge (one image moves
    /// it by more than 2 %); the CLI and the report both say so.
    /// </summary>
    public const int TooFewToJudge = 50;

    /// <summary>Class names; index = class index.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Number of evaluated examples.</summary>
    public int Count { get; }

    /// <summary>Micro accuracy: correct predictions / examples. The predicted class is the arg-max (first on ties).</summary>
    public double Accuracy { get; }

    /// <summary>Macro accuracy as in ML.NET: the mean recall over the classes that have examples.</summary>
    public double MacroAccuracy { get; }

    /// <summary>ML.NET's log-loss: mean of -ln(p_true), p clipped away from 0.</summary>
    public double LogLoss { get; }

    /// <summary>
    /// ML.NET's log-loss reduction: (LogLossPrior - LogLoss) / LogLossPrior, where LogLossPrior
    /// is the entropy (natural log) of the evaluated set's label distribution, i.e. the log-loss
    /// of always predicting the class frequencies. 1 is perfect, 0 is no better than the prior,
    /// negative is worse. Null when fewer than two classes have examples (as <see cref="Auc"/> is
    /// then): the prior is 0, ML.NET gives -inf or NaN, and the 0 this was then read as "no better
    /// than the prior" beside the note that it needs every class.
    /// </summary>
    public double? LogLossReduction { get; }

    /// <summary>
    /// Area under the ROC curve, for two classes only (null otherwise, or when one class has no
    /// examples). The positive class is the second label (<c>Labels[1]</c>, e.g. without_mask
    /// with sorted folder names) and the score is its probability. Ties count one half
    /// (average ranks, the Mann-Whitney U statistic).
    /// </summary>
    public double? Auc { get; }

    /// <summary>Precision, recall, F1 and support per class, enumerated in <see cref="Labels"/> order.</summary>
    public IReadOnlyDictionary<string, ClassMetrics> PerClass { get; }

    /// <summary>Counts: <c>ConfusionMatrix[truth][predicted]</c>.</summary>
    public IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; }

    /// <summary>
    /// Mean precision over the classes that have examples (unweighted). A class never predicted
    /// counts with precision 0, as ML.NET's confusion matrix gives it (scikit-learn's default too):
    /// the one definition the console, metrics.json and the report all show.
    /// </summary>
    public double MacroPrecision { get; }

    /// <summary>Mean recall over the classes that have examples (equal to <see cref="MacroAccuracy"/>).</summary>
    public double MacroRecall { get; }

    /// <summary>Mean F1 over the classes that have examples (unweighted, as scikit-learn's macro F1 when every class has examples).</summary>
    public double MacroF1 { get; }

    /// <summary>
    /// How close to chance a head may be and still be called no better than it: a log-loss
    /// reduction at or below this (log-loss within 5 % of always answering the class frequencies,
    /// ln 2 for two balanced classes) and a macro accuracy within this of 1 / classes.
    /// </summary>
    public const double ChanceMargin = 0.05;

    /// <summary>
    /// True when every class has examples and the head does no better than chance on both counts
    /// (<see cref="ChanceMargin"/>): its probabilities say no more than the class frequencies, and
    /// its calls find each class no more often than a coin, or always answering one class, would.
    /// A head on features that carry no class information; an accurate but overconfident head
    /// (a poor log-loss alone) is not one.
    /// </summary>
    public bool NoBetterThanChance =>
        PerClass.Values.All(c => c.Support > 0)
        && LogLossReduction <= ChanceMargin
        && MacroAccuracy <= 1.0 / Labels.Count + ChanceMargin;

    /// <summary>The confusion matrix as a fresh jagged array (rows = truth, columns = predicted).</summary>
    public int[][] ToConfusionArray() => ConfusionMatrix.Select(r => r.ToArray()).ToArray();

    /// <summary>ML.NET's confusion matrix (rows = truth), for <c>GetFormattedConfusionTable()</c>.</summary>
    public Microsoft.ML.Data.ConfusionMatrix? MlConfusionMatrix { get; private init; }

    /// <summary>
    /// Metrics of a scored view (columns <c>Label</c> as a key, <c>Score</c>, <c>PredictedLabel</c>),
    /// from ML.NET's <c>MulticlassClassification.Evaluate</c>; per-class F1 and the two-class AUC
    /// are derived from its confusion matrix and the <c>Score</c> column.
    /// </summary>
    public static ClassificationMetrics Evaluate(MLContext ml, IDataView scored, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(labels);
        var m = ml.MulticlassClassification.Evaluate(scored, "Label", "Score", "PredictedLabel");
        var truth = new List<int>();
        var scores = new List<float>();
        foreach (var key in scored.GetColumn<uint>("Label"))
        {
            truth.Add((int)key - 1);
        }

        if (labels.Count == 2)
        {
            foreach (var s in scored.GetColumn<VBuffer<float>>("Score"))
            {
                scores.Add(s.GetItemOrDefault(1));
            }
        }

        return FromMlNet(m, labels, truth, scores);
    }

    /// <summary>
    /// Metrics of given probabilities (row-major truth.Length × labels.Count) against true class
    /// indices, computed by ML.NET's evaluator; the predicted class is the arg-max (first on ties).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes disagree, a label index is out of range, a probability is negative or not finite, or there are no examples.</exception>
    public static ClassificationMetrics Compute(IReadOnlyList<string> labels, ReadOnlySpan<int> truth, ReadOnlySpan<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int k = labels.Count;
        if (k < 2)
        {
            throw new ArgumentException($"need at least two class labels, got {k}", nameof(labels));
        }

        if (labels.Distinct(StringComparer.Ordinal).Count() != k)
        {
            throw new ArgumentException("class labels must be unique", nameof(labels));
        }

        int n = truth.Length;
        if (n == 0)
        {
            throw new ArgumentException("no examples to evaluate", nameof(truth));
        }

        if (probabilities.Length != (long)n * k)
        {
            throw new ArgumentException($"probabilities has {probabilities.Length} values; expected {n} examples x {k} classes = {(long)n * k}", nameof(probabilities));
        }

        var rows = new ScoredRow[n];
        for (int i = 0; i < n; i++)
        {
            int t = truth[i];
            if ((uint)t >= (uint)k)
            {
                throw new ArgumentException($"true label of example {i} is {t}, outside 0..{k - 1}", nameof(truth));
            }

            var row = probabilities.Slice(i * k, k);
            int predicted = 0;
            for (int c = 0; c < k; c++)
            {
                if (!(row[c] >= 0f) || !float.IsFinite(row[c]))
                {
                    throw new ArgumentException($"probability {c} of example {i} is {row[c]}; must be finite and not negative", nameof(probabilities));
                }

                if (row[c] > row[predicted])
                {
                    predicted = c;
                }
            }

            rows[i] = new ScoredRow { Label = labels[t], Score = row.ToArray(), PredictedLabel = labels[predicted] };
        }

        // The same columns a fitted head writes: Label and PredictedLabel as keys in label order.
        var schema = SchemaDefinition.Create(typeof(ScoredRow));
        schema["Score"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        var ml = new MLContext(seed: 0);
        var keys = FeatureDataView.LabelKeys(ml, labels);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var view = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys)
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", keyData: keys))
            .Fit(data)
            .Transform(data);
        return Evaluate(ml, view, labels);
    }

    private static ClassificationMetrics FromMlNet(MulticlassClassificationMetrics m, IReadOnlyList<string> labels, List<int> truth, List<float> positiveScores)
    {
        int k = labels.Count;
        var counts = m.ConfusionMatrix.Counts;
        var confusion = new int[k][];
        var support = new int[k];
        for (int t = 0; t < k; t++)
        {
            confusion[t] = new int[k];
            for (int p = 0; p < k; p++)
            {
                confusion[t][p] = t < counts.Count && p < counts[t].Count ? (int)Math.Round(counts[t][p]) : 0;
                support[t] += confusion[t][p];
            }
        }

        var perClass = new OrderedDictionary<string, ClassMetrics>(StringComparer.Ordinal);
        for (int c = 0; c < k; c++)
        {
            double precision = Finite(c < m.ConfusionMatrix.PerClassPrecision.Count ? m.ConfusionMatrix.PerClassPrecision[c] : 0);
            double recall = Finite(c < m.ConfusionMatrix.PerClassRecall.Count ? m.ConfusionMatrix.PerClassRecall[c] : 0);
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            perClass.Add(labels[c], new ClassMetrics(precision, recall, f1, support[c]));
        }

        double? auc = k == 2 ? ComputeAuc(truth, positiveScores) : null;
        return new ClassificationMetrics(
            labels.ToArray().AsReadOnly(),
            truth.Count,
            m.MicroAccuracy,
            m.MacroAccuracy,
            m.LogLoss,
            // ML.NET reports -inf/NaN reduction when the set holds one class: not a figure, so null.
            support.Count(s => s > 0) >= 2 ? Finite(m.LogLossReduction) : null,
            auc,
            new ReadOnlyDictionary<string, ClassMetrics>(perClass),
            confusion.Select(r => (IReadOnlyList<int>)r.AsReadOnly()).ToArray().AsReadOnly())
        {
            MlConfusionMatrix = m.ConfusionMatrix,
        };
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : 0;

    // ML.NET has no multiclass AUC: for two classes, AUC of the second class's score =
    // (sum of positive ranks - P(P+1)/2) / (P * N), with average ranks for tied scores.
    private static double? ComputeAuc(List<int> truth, List<float> positiveScores)
    {
        int n = truth.Count;
        if (positiveScores.Count != n)
        {
            return null;
        }

        var scores = positiveScores.ToArray();
        var positive = new bool[n];
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            positive[i] = truth[i] == 1;
            if (positive[i])
            {
                positives++;
            }
        }

        long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        Array.Sort(scores, positive);
        double rankSum = 0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && scores[end + 1] == scores[start])
            {
                end++;
            }

            double averageRank = (start + end) / 2.0 + 1; // 1-based ranks start+1 .. end+1
            for (int i = start; i <= end; i++)
            {
                if (positive[i])
                {
                    rankSum += averageRank;
                }
            }

            start = end + 1;
        }

        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    private sealed class ScoredRow
    {
        public string Label { get; set; } = "";

        public float[] Score { get; set; } = [];

        public string PredictedLabel { get; set; } = "";
    }
}
