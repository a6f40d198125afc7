using System.Buffers;

namespace MaskTrainer.Training;

/// <summary>
/// A trained classifier head: feature standardization, then one (softmax regression) or two
/// (MLP) dense layers and a softmax. Immutable and thread-safe; prediction allocates nothing.
/// Saved to model files as <see cref="NamedTensor"/>s (see <see cref="ToTensors"/>).
/// </summary>
public sealed class TrainedHead
{
    /// <summary>Per-feature mean subtracted before the first layer, shape [inputSize].</summary>
    public const string MeanTensor = "input.mean";

    /// <summary>Per-feature standard deviation divided out before the first layer, shape [inputSize].</summary>
    public const string StdTensor = "input.std";

    /// <summary>MLP hidden layer weights, shape [hiddenUnits, inputSize].</summary>
    public const string HiddenWeightTensor = "hidden.weight";

    /// <summary>MLP hidden layer bias, shape [hiddenUnits].</summary>
    public const string HiddenBiasTensor = "hidden.bias";

    /// <summary>Output layer weights, shape [classCount, inputSize] (softmax regression) or [classCount, hiddenUnits] (MLP).</summary>
    public const string OutputWeightTensor = "output.weight";

    /// <summary>Output layer bias, shape [classCount].</summary>
    public const string OutputBiasTensor = "output.bias";

    // Small enough for the stack: 2048 floats = 8 KB.
    private const int MaxStackScratch = 2048;
    private const int BatchChunk = 64;

    private readonly HeadNetwork _network;
    private readonly float[] _parameters;
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly float[] _invStd;

    internal TrainedHead(HeadNetwork network, float[] parameters, float[] mean, float[] std)
    {
        _network = network;
        _parameters = parameters;
        _mean = mean;
        _std = std;
        _invStd = InverseOf(std);
    }

    public HeadKind Kind => _network.Kind;

    /// <summary>Feature vector length the head expects.</summary>
    public int InputSize => _network.InputSize;

    public int ClassCount => _network.ClassCount;

    /// <summary>Hidden-layer width; 0 for softmax regression.</summary>
    public int HiddenUnits => _network.HiddenUnits;

    /// <summary>Length of the scratch span <see cref="Predict(ReadOnlySpan{float}, Span{float}, Span{float})"/> needs.</summary>
    public int ScratchSize => InputSize + HiddenUnits;

    internal HeadNetwork Network => _network;

    internal ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>Class probabilities of one feature vector, using caller-provided scratch (no allocation).</summary>
    /// <param name="features">InputSize values.</param>
    /// <param name="probabilities">Receives ClassCount probabilities summing to 1.</param>
    /// <param name="scratch">At least <see cref="ScratchSize"/> floats; overwritten.</param>
    public void Predict(ReadOnlySpan<float> features, Span<float> probabilities, Span<float> scratch)
    {
        CheckSizes(features.Length, probabilities.Length, 1);
        if (scratch.Length < ScratchSize)
        {
            throw new ArgumentException($"scratch has {scratch.Length} floats; the head needs {ScratchSize}", nameof(scratch));
        }

        var input = scratch.Slice(0, InputSize);
        DenseKernels.Standardize(features, _mean, _invStd, input);
        ReadOnlySpan<float> current = input;
        ReadOnlySpan<float> p = _parameters;
        for (int l = 0; l < _network.LayerCount; l++)
        {
            int fanIn = _network.InputsOf(l), fanOut = _network.OutputsOf(l);
            bool last = l == _network.LayerCount - 1;
            var output = last ? probabilities.Slice(0, fanOut) : scratch.Slice(InputSize, fanOut);
            DenseKernels.MultiplyTransposed(current, 1, fanIn, _network.Weights(p, l), _network.Bias(p, l), fanOut, output);
            if (!last)
            {
                System.Numerics.Tensors.TensorPrimitives.Max(output, 0f, output);
            }

            current = output;
        }

        DenseKernels.SoftmaxInPlace(probabilities.Slice(0, ClassCount), out _);
    }

    /// <summary>Class probabilities of one feature vector; scratch comes from the stack or <see cref="ArrayPool{T}"/>.</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        if (ScratchSize <= MaxStackScratch)
        {
            Span<float> scratch = stackalloc float[ScratchSize];
            Predict(features, probabilities, scratch);
            return;
        }

        var rented = ArrayPool<float>.Shared.Rent(ScratchSize);
        try
        {
            Predict(features, probabilities, rented);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Class probabilities of one feature vector, in a new array.</summary>
    public float[] Predict(ReadOnlySpan<float> features)
    {
        var probabilities = new float[ClassCount];
        Predict(features, probabilities);
        return probabilities;
    }

    /// <summary>
    /// Class probabilities of <paramref name="rows"/> row-major feature vectors into
    /// rows x ClassCount <paramref name="probabilities"/>. Same numbers as row-by-row
    /// <see cref="Predict(ReadOnlySpan{float}, Span{float})"/>, faster for many rows.
    /// </summary>
    public void PredictBatch(ReadOnlySpan<float> features, int rows, Span<float> probabilities)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        CheckSizes(features.Length, probabilities.Length, rows);
        var ws = new HeadNetwork.Workspace(_network, Math.Min(BatchChunk, Math.Max(rows, 1)));
        var input = ArrayPool<float>.Shared.Rent(ws.Capacity * InputSize);
        try
        {
            for (int start = 0; start < rows; start += ws.Capacity)
            {
                int n = Math.Min(ws.Capacity, rows - start);
                for (int i = 0; i < n; i++)
                {
                    DenseKernels.Standardize(features.Slice((start + i) * InputSize, InputSize), _mean, _invStd, input.AsSpan(i * InputSize, InputSize));
                }

                _network.Forward(_parameters, input, n, ws);
                var logits = ws.Activations[^1];
                for (int i = 0; i < n; i++)
                {
                    DenseKernels.SoftmaxInPlace(logits.AsSpan(i * ClassCount, ClassCount), out _);
                }

                logits.AsSpan(0, n * ClassCount).CopyTo(probabilities.Slice(start * ClassCount));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>The head's weights as named tensors (copies), ready to be written to a model file.</summary>
    public IReadOnlyList<NamedTensor> ToTensors()
    {
        ReadOnlySpan<float> p = _parameters;
        var list = new List<NamedTensor>
        {
            new(MeanTensor, [InputSize], (float[])_mean.Clone()),
            new(StdTensor, [InputSize], (float[])_std.Clone()),
        };
        if (Kind == HeadKind.Mlp)
        {
            list.Add(new(HiddenWeightTensor, [HiddenUnits, InputSize], _network.Weights(p, 0).ToArray()));
            list.Add(new(HiddenBiasTensor, [HiddenUnits], _network.Bias(p, 0).ToArray()));
        }

        int last = _network.LayerCount - 1;
        list.Add(new(OutputWeightTensor, [ClassCount, _network.InputsOf(last)], _network.Weights(p, last).ToArray()));
        list.Add(new(OutputBiasTensor, [ClassCount], _network.Bias(p, last).ToArray()));
        return list;
    }

    /// <summary>Rebuilds a head from <see cref="ToTensors"/> output, checking every name, shape and value.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing, unexpected, mis-shaped or holds a non-finite value.</exception>
    public static TrainedHead FromTensors(HeadKind kind, IReadOnlyList<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!Enum.IsDefined(kind))
        {
            throw new InvalidDataException($"unknown head kind {(int)kind}");
        }

        string[] expected = kind == HeadKind.Mlp
            ? [MeanTensor, StdTensor, HiddenWeightTensor, HiddenBiasTensor, OutputWeightTensor, OutputBiasTensor]
            : [MeanTensor, StdTensor, OutputWeightTensor, OutputBiasTensor];
        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (t is null || t.Name is null || t.Shape is null || t.Data is null)
            {
                throw new InvalidDataException($"{kind} head: a tensor, its name, shape or data is null");
            }

            if (!expected.Contains(t.Name))
            {
                throw new InvalidDataException($"{kind} head: unexpected tensor '{t.Name}' (expected {string.Join(", ", expected)})");
            }

            if (!byName.TryAdd(t.Name, t))
            {
                throw new InvalidDataException($"{kind} head: tensor '{t.Name}' appears twice");
            }

            if (t.Shape.Any(d => d < 1) || t.ElementCount != t.Data.Length)
            {
                throw new InvalidDataException($"{kind} head: tensor '{t.Name}' has shape {ShapeText(t.Shape)} but {t.Data.Length} values");
            }

            foreach (float v in t.Data)
            {
                if (!float.IsFinite(v))
                {
                    throw new InvalidDataException($"{kind} head: tensor '{t.Name}' holds a non-finite value ({v})");
                }
            }
        }

        foreach (var name in expected)
        {
            if (!byName.ContainsKey(name))
            {
                throw new InvalidDataException($"{kind} head: tensor '{name}' is missing");
            }
        }

        var outW = byName[OutputWeightTensor];
        RequireRank(kind, outW, 2);
        int classCount = outW.Shape[0];
        if (classCount < 2)
        {
            throw new InvalidDataException($"{kind} head: tensor '{OutputWeightTensor}' has shape {ShapeText(outW.Shape)}; need at least 2 classes");
        }

        int inputSize, hidden = 0;
        if (kind == HeadKind.Mlp)
        {
            var hidW = byName[HiddenWeightTensor];
            RequireRank(kind, hidW, 2);
            hidden = hidW.Shape[0];
            inputSize = hidW.Shape[1];
            RequireShape(kind, byName[HiddenBiasTensor], hidden);
            RequireShape(kind, outW, classCount, hidden);
        }
        else
        {
            inputSize = outW.Shape[1];
        }

        RequireShape(kind, byName[OutputBiasTensor], classCount);
        RequireShape(kind, byName[MeanTensor], inputSize);
        RequireShape(kind, byName[StdTensor], inputSize);
        if (byName[StdTensor].Data.Any(s => !(s > 0f)))
        {
            throw new InvalidDataException($"{kind} head: tensor '{StdTensor}' must be positive everywhere");
        }

        var network = new HeadNetwork(kind, inputSize, hidden, classCount);
        var parameters = new float[network.ParameterCount];
        if (kind == HeadKind.Mlp)
        {
            byName[HiddenWeightTensor].Data.AsSpan().CopyTo(network.Weights(parameters.AsSpan(), 0));
            byName[HiddenBiasTensor].Data.AsSpan().CopyTo(network.Bias(parameters.AsSpan(), 0));
        }

        int lastLayer = network.LayerCount - 1;
        outW.Data.AsSpan().CopyTo(network.Weights(parameters.AsSpan(), lastLayer));
        byName[OutputBiasTensor].Data.AsSpan().CopyTo(network.Bias(parameters.AsSpan(), lastLayer));
        return new TrainedHead(network, parameters, (float[])byName[MeanTensor].Data.Clone(), (float[])byName[StdTensor].Data.Clone());
    }

    internal static float[] InverseOf(float[] std)
    {
        var inv = new float[std.Length];
        for (int i = 0; i < std.Length; i++)
        {
            inv[i] = 1f / std[i];
        }

        return inv;
    }

    private void CheckSizes(int featureLength, int probabilityLength, int rows)
    {
        if (featureLength != (long)rows * InputSize)
        {
            throw new ArgumentException($"got {featureLength} feature values; the head expects {InputSize} per row ({rows} row(s))", "features");
        }

        if (probabilityLength < (long)rows * ClassCount)
        {
            throw new ArgumentException($"probabilities has room for {probabilityLength} values; need {ClassCount} per row ({rows} row(s))", "probabilities");
        }
    }

    private static void RequireRank(HeadKind kind, NamedTensor t, int rank)
    {
        if (t.Shape.Length != rank)
        {
            throw new InvalidDataException($"{kind} head: tensor '{t.Name}' has shape {ShapeText(t.Shape)}; expected rank {rank}");
        }
    }

    private static void RequireShape(HeadKind kind, NamedTensor t, params int[] shape)
    {
        if (!t.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new InvalidDataException($"{kind} head: tensor '{t.Name}' has shape {ShapeText(t.Shape)}; expected {ShapeText(shape)}");
        }
    }

    private static string ShapeText(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
