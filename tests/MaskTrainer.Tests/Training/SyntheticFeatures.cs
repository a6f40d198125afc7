using MaskTrainer.Training;

namespace MaskTrainer.Tests.Training;

internal static class SyntheticFeatures
{
    /// <summary>Gaussian blobs: class c centred at +separation on feature c (mod dimension), unit noise, offset and scaled so standardization matters.</summary>
    public static FeatureSet Blobs(int rows, int dimension, int classes, double separation, int seed, int[]? classSizes = null)
    {
        var random = new Random(seed);
        var labels = new int[rows];
        if (classSizes is null)
        {
            for (int i = 0; i < rows; i++)
            {
                labels[i] = i % classes;
            }
        }
        else
        {
            int i = 0;
            for (int c = 0; c < classSizes.Length; c++)
            {
                for (int n = 0; n < classSizes[c]; n++)
                {
                    labels[i++] = c;
                }
            }
        }

        var x = new float[rows * dimension];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < dimension; j++)
            {
                double v = Gaussian(random) + (j % classes == labels[i] && j < classes * 2 ? separation : 0);
                x[i * dimension + j] = (float)(5 + 3 * v); // not centred, not unit scale
            }
        }

        return new FeatureSet(x, rows, dimension, labels, classes);
    }

    /// <summary>2-D XOR: label = sign(x0) != sign(x1). Not linearly separable.</summary>
    public static FeatureSet Xor(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * 2];
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            x[i * 2] = a;
            x[i * 2 + 1] = b;
            labels[i] = (a > 0) != (b > 0) ? 1 : 0;
        }

        return new FeatureSet(x, rows, 2, labels, 2);
    }

    /// <summary>Features with labels that do not depend on them: anything learned is overfitting.</summary>
    public static FeatureSet Noise(int rows, int dimension, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * dimension];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)Gaussian(random);
        }

        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = random.Next(2);
            labels[i] = i < 2 ? i : labels[i]; // both classes present
        }

        return new FeatureSet(x, rows, dimension, labels, 2);
    }

    public static double Accuracy(TrainedHead head, FeatureSet set)
    {
        var probabilities = new float[set.Rows * set.ClassCount];
        head.PredictBatch(set.Features.Span, set.Rows, probabilities);
        int correct = 0;
        for (int i = 0; i < set.Rows; i++)
        {
            var row = probabilities.AsSpan(i * set.ClassCount, set.ClassCount);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            correct += best == set.Labels.Span[i] ? 1 : 0;
        }

        return (double)correct / set.Rows;
    }

    public static double RecallOf(TrainedHead head, FeatureSet set, int cls)
    {
        var probabilities = new float[set.Rows * set.ClassCount];
        head.PredictBatch(set.Features.Span, set.Rows, probabilities);
        int hits = 0, total = 0;
        for (int i = 0; i < set.Rows; i++)
        {
            if (set.Labels.Span[i] != cls)
            {
                continue;
            }

            total++;
            var row = probabilities.AsSpan(i * set.ClassCount, set.ClassCount);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            hits += best == cls ? 1 : 0;
        }

        return (double)hits / total;
    }

    public static double LogLoss(TrainedHead head, FeatureSet set)
    {
        var probabilities = new float[set.Rows * set.ClassCount];
        head.PredictBatch(set.Features.Span, set.Rows, probabilities);
        double sum = 0;
        for (int i = 0; i < set.Rows; i++)
        {
            sum -= Math.Log(probabilities[i * set.ClassCount + set.Labels.Span[i]]);
        }

        return sum / set.Rows;
    }

    /// <summary>All tensor data as raw bits, for bitwise comparisons.</summary>
    public static int[] Bits(TrainedHead head) =>
        head.ToTensors().SelectMany(t => t.Data.Select(BitConverter.SingleToInt32Bits)).ToArray();

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
