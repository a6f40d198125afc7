using Microsoft.ML.OnnxRuntime;

namespace MaskTrainer.Onnx;

/// <summary>
/// One ONNX network in ONNX Runtime: one <see cref="InferenceSession"/> per model, reused, with
/// its input and outputs in managed buffers bound once per batch size, so that a
/// <see cref="Run"/> allocates nothing after the first at that size. Fill <see cref="Input"/>,
/// call <see cref="Run"/>, read <see cref="Output"/>. Not thread-safe: one instance per thread.
/// </summary>
public sealed class OnnxNet : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;
    private readonly Dictionary<int, Binding> _bindings = [];
    private Binding? _last;

    private OnnxNet(InferenceSession session, string source)
    {
        _session = session;
        Source = source;
        if (session.InputMetadata.Count != 1)
        {
            throw new OnnxNetException($"{source}: expected one input, the graph has {session.InputMetadata.Count}");
        }

        var (name, meta) = session.InputMetadata.First();
        if (meta.ElementType != typeof(float))
        {
            throw new OnnxNetException($"{source}: input '{name}' is {meta.ElementType.Name}, expected float");
        }

        _inputNames = [name];
        _inputShape = Array.ConvertAll(meta.Dimensions, d => (long)d);
        _outputNames = [.. session.OutputNames];
        BatchIsSymbolic = _inputShape.Length > 0 && _inputShape[0] <= 0;
    }

    /// <summary>The model file, for messages.</summary>
    public string Source { get; }

    /// <summary>The input's name in the graph.</summary>
    public string InputName => _inputNames[0];

    /// <summary>The input's shape as the graph declares it; -1 where a dimension is symbolic.</summary>
    public IReadOnlyList<long> InputShape => _inputShape;

    /// <summary>The graph's outputs, in the order <see cref="Output"/> indexes them.</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>True when dimension 0 is symbolic, so <see cref="Run"/> takes any batch size.</summary>
    public bool BatchIsSymbolic { get; }

    /// <summary>
    /// Loads <paramref name="path"/> into ONNX Runtime on the CPU. <paramref name="threads"/> is
    /// the intra-op thread count (0 = one per core): ORT's own default used one core here.
    /// </summary>
    public static OnnxNet Load(string path, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (!File.Exists(path))
        {
            throw new OnnxNetException($"{path}: model file not found");
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads == 0 ? Environment.ProcessorCount : threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };

        // ORT's pool threads spin after each run by default; the detector runs a detection and a
        // classification session on separate stages of one pipeline, and spinning threads of one
        // would steal the 2 cores the other needs. Sleeping costs microseconds per run.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            return new OnnxNet(new InferenceSession(path, options), path);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxNetException($"{path}: ONNX Runtime cannot load it: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// The input buffer for a batch of <paramref name="batch"/> (the graph's input shape with
    /// dimension 0 = batch), to fill before <see cref="Run"/>.
    /// </summary>
    public Span<float> Input(int batch) => GetBinding(batch).Input;

    /// <summary>Runs the batch whose input was written to <see cref="Input"/>.</summary>
    public void Run(int batch)
    {
        var binding = GetBinding(batch);
        try
        {
            if (binding.Outputs is null)
            {
                // First run at this size: let ORT size the outputs, then bind buffers of that size.
                using var results = _session.Run(_runOptions, _inputNames, binding.InputValues, _outputNames);
                binding.BindOutputs(results);
            }
            else
            {
                _session.Run(_runOptions, _inputNames, binding.InputValues, _outputNames, binding.OutputValues!);
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxNetException($"{Source}: inference failed at batch {batch}: {FirstLine(e.Message)}", e);
        }

        _last = binding;
    }

    /// <summary>Output <paramref name="index"/> of the last <see cref="Run"/>; valid until the next.</summary>
    public ReadOnlySpan<float> Output(int index) => Last().Outputs![index];

    /// <summary>The shape of output <paramref name="index"/> of the last <see cref="Run"/>.</summary>
    public ReadOnlySpan<long> OutputShape(int index) => Last().OutputShapes![index];

    public void Dispose()
    {
        foreach (var binding in _bindings.Values)
        {
            binding.Dispose();
        }

        _bindings.Clear();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private Binding Last() => _last ?? throw new InvalidOperationException("call Run first");

    private Binding GetBinding(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (_bindings.TryGetValue(batch, out var binding))
        {
            return binding;
        }

        if (!BatchIsSymbolic && batch != Math.Max(1, _inputShape[0]))
        {
            throw new OnnxNetException($"{Source}: the graph's batch size is fixed at {_inputShape[0]}, cannot run {batch}");
        }

        var shape = (long[])_inputShape.Clone();
        shape[0] = batch;
        for (var i = 1; i < shape.Length; i++)
        {
            if (shape[i] <= 0)
            {
                throw new OnnxNetException($"{Source}: input dimension {i} is symbolic; only the batch dimension may be");
            }
        }

        binding = new Binding(shape);
        _bindings[batch] = binding;
        return binding;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n');
        return end < 0 ? message : message[..end];
    }

    private sealed class Binding : IDisposable
    {
        private readonly float[] _input;

        public Binding(long[] shape)
        {
            long total = 1;
            foreach (var d in shape)
            {
                total *= d;
            }

            _input = new float[total];
            InputValues = [OrtValue.CreateTensorValueFromMemory(_input, shape)];
        }

        public Span<float> Input => _input;

        // An array, as Run takes it: made once, not per run.
        public OrtValue[] InputValues { get; }

        public float[][]? Outputs { get; private set; }

        public long[][]? OutputShapes { get; private set; }

        public OrtValue[]? OutputValues { get; private set; }

        public void BindOutputs(IReadOnlyList<OrtValue> results)
        {
            var outputs = new float[results.Count][];
            var shapes = new long[results.Count][];
            var values = new OrtValue[results.Count];
            for (var i = 0; i < results.Count; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                shapes[i] = info.Shape;
                outputs[i] = results[i].GetTensorDataAsSpan<float>().ToArray();
                values[i] = OrtValue.CreateTensorValueFromMemory(outputs[i], shapes[i]);
            }

            Outputs = outputs;
            OutputShapes = shapes;
            OutputValues = values;
        }

        public void Dispose()
        {
            InputValues[0].Dispose();
            if (OutputValues is not null)
            {
                foreach (var value in OutputValues)
                {
                    value.Dispose();
                }
            }
        }
    }
}
