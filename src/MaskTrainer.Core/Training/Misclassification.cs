using MaskTrainer.Data;
using MaskTrainer.Features;

namespace MaskTrainer;

/// <summary>One image the head got wrong.</summary>
/// <param name="Example">The image, with its true label.</param>
/// <param name="Predicted">Index of the label the head gave it.</param>
/// <param name="Probability">The head's probability of that (wrong) label.</param>
/// <param name="TruthProbability">The head's probability of the true label.</param>
public sealed record Misclassification(ImageExample Example, int Predicted, float Probability, float TruthProbability)
{
    /// <summary>
    /// The featurized images whose arg-max label is not their own, the most confident errors first
    /// (the lowest probability of the truth; ties in row order): the order both the training report's
    /// gallery and <c>evaluate</c>'s list show them in.
    /// </summary>
    /// <param name="examples">The images <paramref name="featurized"/> was made from (its ExampleIndices index them).</param>
    /// <param name="scores">The head's probabilities, row-major: featurized.Rows x <paramref name="classCount"/>.</param>
    public static IReadOnlyList<Misclassification> Find(IReadOnlyList<ImageExample> examples, FeaturizedData featurized, float[] scores, int classCount)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(featurized);
        ArgumentNullException.ThrowIfNull(scores);
        var wrong = new List<Misclassification>();
        for (int row = 0; row < featurized.Rows; row++)
        {
            var probabilities = scores.AsSpan(row * classCount, classCount);
            int best = 0;
            for (int c = 1; c < probabilities.Length; c++)
            {
                if (probabilities[c] > probabilities[best])
                {
                    best = c;
                }
            }

            int truth = featurized.Labels.Span[row];
            if (best != truth)
            {
                wrong.Add(new Misclassification(examples[featurized.ExampleIndices.Span[row]], best, probabilities[best], probabilities[truth]));
            }
        }

        return wrong.OrderBy(w => w.TruthProbability).ToList(); // OrderBy is stable: ties keep row order
    }
}
