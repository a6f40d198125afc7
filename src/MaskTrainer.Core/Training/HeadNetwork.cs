using System.Numerics.Tensors;

namespace MaskTrainer.Training;

/// <summary>
/// Shape, parameter layout and forward/backward passes of a head: a stack of dense layers
/// (ReLU between them, softmax at the end). All parameters live in one flat array so the
/// optimizers can treat them as a single vector. Layer l occupies [weights (out x in)][bias (out)].
/// </summary>
internal sealed class HeadNetwork
{
    private readonly int[] _sizes;
    private readonly int[] _weightOffset;
    private readonly int[] _biasOffset;

    public HeadNetwork(HeadKind kind, int inputSize, int hiddenUnits, int classCount)
    {
        Kind = kind;
        _sizes = kind == HeadKind.Mlp ? [inputSize, hiddenUnits, classCount] : [inputSize, classCount];
        _weightOffset = new int[LayerCount];
        _biasOffset = new int[LayerCount];
        int offset = 0;
        for (int l = 0; l < LayerCount; l++)
        {
            _weightOffset[l] = offset;
            offset += _sizes[l + 1] * _sizes[l];
            _biasOffset[l] = offset;
            offset += _sizes[l + 1];
        }

        ParameterCount = offset;
    }

    public HeadKind Kind { get; }

    public int LayerCount => _sizes.Length - 1;

    public int InputSize => _sizes[0];

    public int ClassCount => _sizes[^1];

    public int HiddenUnits => Kind == HeadKind.Mlp ? _sizes[1] : 0;

    public int ParameterCount { get; }

    public int InputsOf(int layer) => _sizes[layer];

    public int OutputsOf(int layer) => _sizes[layer + 1];

    public Span<float> Weights(Span<float> p, int layer) => p.Slice(_weightOffset[layer], _sizes[layer + 1] * _sizes[layer]);

    public ReadOnlySpan<float> Weights(ReadOnlySpan<float> p, int layer) => p.Slice(_weightOffset[layer], _sizes[layer + 1] * _sizes[layer]);

    public Span<float> Bias(Span<float> p, int layer) => p.Slice(_biasOffset[layer], _sizes[layer + 1]);

    public ReadOnlySpan<float> Bias(ReadOnlySpan<float> p, int layer) => p.Slice(_biasOffset[layer], _sizes[layer + 1]);

    /// <summary>
    /// Softmax regression starts at zero (the problem is convex, so the start does not matter
    /// and zero makes the result independent of the seed's init stream). MLP weights use He
    /// initialisation for the ReLU layer and LeCun for the output layer; biases start at zero.
    /// </summary>
    public void Initialize(Span<float> p, SeededRandom random)
    {
        p.Clear();
        if (Kind == HeadKind.SoftmaxRegression)
        {
            return;
        }

        for (int l = 0; l < LayerCount; l++)
        {
            double scale = Math.Sqrt((l < LayerCount - 1 ? 2.0 : 1.0) / _sizes[l]);
            var w = Weights(p, l);
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = (float)(random.NextGaussian() * scale);
            }
        }
    }

    /// <summary>Adds L2 * W to the weight gradients (biases are not penalised) and returns 0.5 * L2 * ||W||^2.</summary>
    public double AddL2(ReadOnlySpan<float> p, Span<float> grad, float l2)
    {
        if (l2 == 0f)
        {
            return 0;
        }

        double penalty = 0;
        for (int l = 0; l < LayerCount; l++)
        {
            var w = Weights(p, l);
            penalty += 0.5 * l2 * TensorPrimitives.Dot(w, w);
            TensorPrimitives.MultiplyAdd(w, l2, Weights(grad, l), Weights(grad, l));
        }

        return penalty;
    }

    /// <summary>
    /// Forward pass over <paramref name="rows"/> contiguous inputs; probabilities end up in
    /// <see cref="Workspace.Probabilities"/>. With <paramref name="dropout"/> &gt; 0 hidden units are
    /// dropped (inverted dropout) using <paramref name="random"/>.
    /// </summary>
    public void Forward(ReadOnlySpan<float> p, ReadOnlySpan<float> x, int rows, Workspace ws, float dropout = 0f, SeededRandom? random = null)
    {
        ReadOnlySpan<float> input = x.Slice(0, rows * InputSize);
        for (int l = 0; l < LayerCount; l++)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            var output = ws.Activations[l].AsSpan(0, rows * fanOut);
            DenseKernels.MultiplyTransposed(input, rows, fanIn, Weights(p, l), Bias(p, l), fanOut, output);
            if (l < LayerCount - 1)
            {
                TensorPrimitives.Max(output, 0f, output); // ReLU
                if (dropout > 0f)
                {
                    ApplyDropout(output, dropout, random!);
                }
            }

            input = output;
        }
    }

    /// <summary>
    /// Softmax of the last layer in place, returning the summed log-loss (optionally weighted by
    /// class) and the number of correct arg-max predictions.
    /// </summary>
    public BatchStats SoftmaxAndLoss(ReadOnlySpan<int> labels, int rows, Workspace ws, ReadOnlySpan<float> classWeights)
    {
        int k = ClassCount;
        var logits = ws.Activations[LayerCount - 1];
        double loss = 0, weighted = 0;
        int correct = 0;
        for (int i = 0; i < rows; i++)
        {
            var z = logits.AsSpan(i * k, k);
            int y = labels[i];
            float zy = z[y];
            double lnSum = DenseKernels.SoftmaxInPlace(z, out float max);
            double li = lnSum - (zy - max);
            loss += li;
            weighted += classWeights.IsEmpty ? li : li * classWeights[y];
            if (DenseKernels.ArgMax(z) == y)
            {
                correct++;
            }
        }

        return new BatchStats(loss, weighted, correct, rows);
    }

    /// <summary>
    /// Forward and backward pass; adds the gradient of the class-weighted summed loss to
    /// <paramref name="grad"/> (not divided by the row count; not including L2).
    /// </summary>
    public BatchStats ForwardBackward(
        ReadOnlySpan<float> p,
        ReadOnlySpan<float> x,
        ReadOnlySpan<int> labels,
        int rows,
        ReadOnlySpan<float> classWeights,
        Span<float> grad,
        Workspace ws,
        float dropout = 0f,
        SeededRandom? random = null)
    {
        Forward(p, x, rows, ws, dropout, random);
        var stats = SoftmaxAndLoss(labels, rows, ws, classWeights);

        // d(loss)/d(logits) = w_y * (p - onehot(y)).
        int k = ClassCount;
        var delta = ws.Deltas[LayerCount - 1].AsSpan(0, rows * k);
        ws.Activations[LayerCount - 1].AsSpan(0, rows * k).CopyTo(delta);
        for (int i = 0; i < rows; i++)
        {
            int y = labels[i];
            delta[i * k + y] -= 1f;
            if (!classWeights.IsEmpty)
            {
                TensorPrimitives.Multiply(delta.Slice(i * k, k), classWeights[y], delta.Slice(i * k, k));
            }
        }

        float keepScale = dropout > 0f ? 1f / (1f - dropout) : 1f;
        for (int l = LayerCount - 1; l >= 0; l--)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            ReadOnlySpan<float> input = l == 0 ? x.Slice(0, rows * fanIn) : ws.Activations[l - 1].AsSpan(0, rows * fanIn);
            var d = ws.Deltas[l].AsSpan(0, rows * fanOut);
            DenseKernels.AccumulateTransposedProduct(d, rows, fanOut, input, fanIn, Weights(grad, l));
            DenseKernels.AccumulateColumnSums(d, rows, fanOut, Bias(grad, l));
            if (l > 0)
            {
                // Back through ReLU and dropout: a unit passed gradient iff its output is > 0,
                // and a kept unit was scaled by keepScale on the way forward.
                var below = ws.Deltas[l - 1].AsSpan(0, rows * fanIn);
                DenseKernels.Multiply(d, rows, fanOut, Weights(p, l), fanIn, below);
                var act = ws.Activations[l - 1].AsSpan(0, rows * fanIn);
                for (int i = 0; i < below.Length; i++)
                {
                    below[i] = act[i] > 0f ? below[i] * keepScale : 0f;
                }
            }
        }

        return stats;
    }

    private static void ApplyDropout(Span<float> activations, float rate, SeededRandom random)
    {
        float keepScale = 1f / (1f - rate);
        for (int i = 0; i < activations.Length; i++)
        {
            activations[i] = random.NextSingle() < rate ? 0f : activations[i] * keepScale;
        }
    }

    /// <summary>Buffers for batches of up to <see cref="Capacity"/> rows.</summary>
    internal sealed class Workspace
    {
        public Workspace(HeadNetwork network, int capacity)
        {
            Capacity = capacity;
            Activations = new float[network.LayerCount][];
            Deltas = new float[network.LayerCount][];
            for (int l = 0; l < network.LayerCount; l++)
            {
                Activations[l] = new float[capacity * network.OutputsOf(l)];
                Deltas[l] = new float[capacity * network.OutputsOf(l)];
            }
        }

        public int Capacity { get; }

        /// <summary>Output of each layer (the last one holds logits, then probabilities).</summary>
        public float[][] Activations { get; }

        public float[][] Deltas { get; }

        public ReadOnlySpan<float> Probabilities(int rows, int classCount) => Activations[^1].AsSpan(0, rows * classCount);
    }
}

/// <summary>Sums over a batch: plain log-loss, class-weighted log-loss, correct predictions, rows.</summary>
internal readonly record struct BatchStats(double Loss, double WeightedLoss, int Correct, int Rows)
{
    public static BatchStats operator +(BatchStats a, BatchStats b) =>
        new(a.Loss + b.Loss, a.WeightedLoss + b.WeightedLoss, a.Correct + b.Correct, a.Rows + b.Rows);
}
