using System.Collections.ObjectModel;

namespace MaskTrainer.Evaluation;

/// <summary>
/// Classification quality of predicted probabilities against true labels, with ML.NET's
/// multiclass definitions. Immutable. Build with <see cref="Compute"/>.
/// </summary>
public sealed class ClassificationMetrics
{
    /// <summary>Probabilities are clipped to [Epsilon, 1] before taking the log, as in ML.NET.</summary>
    public const double Epsilon = 1e-15;

    private ClassificationMetrics(
        IReadOnlyList<string> labels,
        int count,
        double accuracy,
        double macroAccuracy,
        double logLoss,
        double logLossReduction,
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
        MacroF1 = perClass.Values.Average(c => c.F1);
    }

    /// <summary>Class names; index = class index.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Number of evaluated examples.</summary>
    public int Count { get; }

    /// <summary>Micro accuracy: correct predictions / examples. The predicted class is the arg-max (first on ties).</summary>
    public double Accuracy { get; }

    /// <summary>Macro accuracy as in ML.NET: the mean recall over the classes that have examples.</summary>
    public double MacroAccuracy { get; }

    /// <summary>Mean of -ln(p_true), p clipped to [<see cref="Epsilon"/>, 1].</summary>
    public double LogLoss { get; }

    /// <summary>
    /// ML.NET's log-loss reduction: (LogLossPrior - LogLoss) / LogLossPrior, where LogLossPrior
    /// is the entropy (natural log) of the evaluated set's label distribution, i.e. the log-loss
    /// of always predicting the class frequencies. 1 is perfect, 0 is no better than the prior,
    /// negative is worse. Defined as 0 when the set holds a single class (the prior is then 0).
    /// </summary>
    public double LogLossReduction { get; }

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

    /// <summary>Mean F1 over all classes (unweighted, as scikit-learn's macro F1).</summary>
    public double MacroF1 { get; }

    /// <summary>The confusion matrix as a fresh jagged array (rows = truth, columns = predicted).</summary>
    public int[][] ToConfusionArray() => ConfusionMatrix.Select(r => r.ToArray()).ToArray();

    /// <summary>Computes every metric in one pass over the predictions.</summary>
    /// <param name="labels">Class names, unique, at least two.</param>
    /// <param name="truth">True class index of each example.</param>
    /// <param name="probabilities">Row-major truth.Length x labels.Count class probabilities.</param>
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

        var confusion = new int[k][];
        for (int c = 0; c < k; c++)
        {
            confusion[c] = new int[k];
        }

        double logLossSum = 0;
        int correct = 0;
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

            confusion[t][predicted]++;
            if (predicted == t)
            {
                correct++;
            }

            logLossSum -= Math.Log(Math.Clamp((double)row[t], Epsilon, 1.0));
        }

        var support = new int[k];
        var predictedCount = new int[k];
        for (int t = 0; t < k; t++)
        {
            for (int p = 0; p < k; p++)
            {
                support[t] += confusion[t][p];
                predictedCount[p] += confusion[t][p];
            }
        }

        var perClass = new OrderedDictionary<string, ClassMetrics>(StringComparer.Ordinal);
        double recallSum = 0;
        int presentClasses = 0;
        double prior = 0;
        for (int c = 0; c < k; c++)
        {
            int tp = confusion[c][c];
            double precision = predictedCount[c] > 0 ? (double)tp / predictedCount[c] : 0;
            double recall = support[c] > 0 ? (double)tp / support[c] : 0;
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            perClass.Add(labels[c], new ClassMetrics(precision, recall, f1, support[c]));
            if (support[c] > 0)
            {
                recallSum += recall;
                presentClasses++;
                double share = (double)support[c] / n;
                prior -= share * Math.Log(share);
            }
        }

        double logLoss = logLossSum / n;
        double reduction = prior > 0 ? (prior - logLoss) / prior : 0;
        double? auc = k == 2 ? ComputeAuc(truth, probabilities) : null;

        return new ClassificationMetrics(
            labels.ToArray().AsReadOnly(),
            n,
            (double)correct / n,
            recallSum / presentClasses,
            logLoss,
            reduction,
            auc,
            new ReadOnlyDictionary<string, ClassMetrics>(perClass),
            confusion.Select(r => (IReadOnlyList<int>)r.AsReadOnly()).ToArray().AsReadOnly());
    }

    // AUC = (sum of positive ranks - P(P+1)/2) / (P * N), with average ranks for tied scores.
    private static double? ComputeAuc(ReadOnlySpan<int> truth, ReadOnlySpan<float> probabilities)
    {
        int n = truth.Length;
        var scores = new float[n];
        var positive = new bool[n];
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            scores[i] = probabilities[i * 2 + 1];
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
}
