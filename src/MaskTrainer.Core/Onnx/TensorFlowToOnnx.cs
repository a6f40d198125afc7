using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace MaskTrainer.Onnx;

/// <summary>
/// Converts a frozen TensorFlow graph in NHWC layout (OpenCV's res10 face detector is one) into an
/// ONNX graph in NCHW layout that ONNX Runtime runs. Covers the operators such convolutional
/// detectors are made of: Conv2D (with SpaceToBatchND/BatchToSpaceND around it = a dilated
/// convolution), BiasAdd, FusedBatchNorm, Mul, Add, Maximum, Relu, MaxPool, Pad, Square, Sum,
/// Rsqrt, Reshape (flattening), ConcatV2, Softmax; constants and 8-bit Dequantize are folded
/// into float initializers. Anything else is a one-line error naming the node, never a guess.
/// Activations of rank 4 are NCHW in the result: weights, paddings, strides and reduction axes
/// are permuted here, and a flattening Reshape first transposes back to NHWC so the flattened
/// order is TensorFlow's. The batch dimension stays symbolic (Reshapes keep dimension 0).
/// </summary>
internal sealed class TensorFlowToOnnx
{
    /// <summary>The ONNX opset the result declares.</summary>
    public const int Opset = 13;

    private readonly TensorFlowGraph _tf;
    private readonly string _source;
    private readonly GraphProto _graph = new() { Name = "tensorflow_converted" };
    private readonly Dictionary<string, Constant> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rank = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _alias = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorFlowGraph.Node> _spaceToBatch = new(StringComparer.Ordinal);
    private int _counter;

    private TensorFlowToOnnx(TensorFlowGraph tf, string source)
    {
        _tf = tf;
        _source = source;
    }

    /// <summary>
    /// Converts <paramref name="tf"/>: its one Placeholder becomes input <paramref name="inputName"/>
    /// float [N, channels, height, width]; the given nodes become the outputs, in order, under
    /// the same names. Returns the graph (the caller may append nodes) with its opset.
    /// </summary>
    public static GraphProto Convert(TensorFlowGraph tf, string source, string inputName, int channels, int height, int width, IReadOnlyList<string> outputs)
    {
        var converter = new TensorFlowToOnnx(tf, source);
        converter.Run(inputName, channels, height, width);
        foreach (var output in outputs)
        {
            var name = converter.Resolve(output);
            if (!converter._rank.ContainsKey(name))
            {
                throw new OnnxGraphEditException($"{source}: output node '{output}' is not a computed tensor of the graph");
            }

            converter._graph.Output.Add(new ValueInfoProto { Name = name, Type = OnnxProtos.FloatType() });
        }

        return converter._graph;
    }

    private void Run(string inputName, int channels, int height, int width)
    {
        foreach (var node in _tf.Nodes)
        {
            switch (node.Op)
            {
                case "Placeholder":
                    _graph.Input.Add(OnnxProtos.TensorInfo(inputName, "N", channels, height, width));
                    _alias[node.Name] = inputName;
                    _rank[inputName] = 4;
                    break;
                case "Const": _constants[node.Name] = ConstantOf(node); break;
                case "Dequantize": _constants[node.Name] = Dequantize(node); break;
                case "Identity": _alias[node.Name] = Resolve(node.Inputs[0]); break;
                case "Conv2D": Conv(node); break;
                case "SpaceToBatchND": _spaceToBatch[node.Name] = node; break;
                case "BatchToSpaceND": break; // folded into the dilated convolution before it
                case "BiasAdd": Elementwise(node, "Add"); break;
                case "Add" or "AddV2": Elementwise(node, "Add"); break;
                case "Mul": Elementwise(node, "Mul"); break;
                case "Maximum": Elementwise(node, "Max"); break;
                case "FusedBatchNorm" or "FusedBatchNormV3": BatchNorm(node); break;
                case "Relu": Unary(node, "Relu"); break;
                case "Softmax": Softmax(node); break;
                case "Rsqrt": Rsqrt(node); break;
                case "Square": Square(node); break;
                case "Sum": Sum(node); break;
                case "MaxPool": MaxPool(node); break;
                case "Pad": Pad(node); break;
                case "Reshape": Reshape(node); break;
                case "ConcatV2": Concat(node); break;
                default: throw Unsupported(node, $"operator {node.Op} is not supported");
            }
        }
    }

    // ---- operators ---------------------------------------------------------------------------

    private void Conv(TensorFlowGraph.Node node)
    {
        RequireNhwc(node);
        var weights = Const(node, 1);
        if (weights.Shape.Length != 4)
        {
            throw Unsupported(node, "weights are not 4-D (HWIO)");
        }

        var strides = NhwcPair(node, "strides", 1);
        var dilations = NhwcPair(node, "dilations", 1);
        var padding = node.Attr("padding")?.S ?? "VALID";
        var input = node.Inputs[0];
        string output = node.Name;
        long[]? pads = padding == "SAME" ? null : [0, 0, 0, 0];

        // SpaceToBatchND → Conv2D (VALID) → BatchToSpaceND is how TensorFlow writes a dilated
        // convolution: the block is the dilation, the paddings minus the crops are the pads.
        if (_spaceToBatch.TryGetValue(Strip(input), out var s2b))
        {
            var b2s = ConsumerOf(node.Name, "BatchToSpaceND")
                ?? throw Unsupported(node, "SpaceToBatchND without a BatchToSpaceND after the convolution");
            var block = Const(s2b, 1).Ints();
            var paddings = Const(s2b, 2).Ints();
            var crops = Const(b2s, 2).Ints();
            if (padding != "VALID" || block.Length != 2 || paddings.Length != 4 || crops.Length != 4 || strides != (1, 1))
            {
                throw Unsupported(node, "only a VALID, stride-1 2-D dilated convolution is supported");
            }

            dilations = ((int)block[0], (int)block[1]);
            pads = [paddings[0] - crops[0], paddings[2] - crops[2], paddings[1] - crops[1], paddings[3] - crops[3]];
            input = s2b.Inputs[0];
            output = b2s.Name;
            _alias[node.Name] = output;
        }

        // HWIO → OIHW.
        long kh = weights.Shape[0], kw = weights.Shape[1], ci = weights.Shape[2], co = weights.Shape[3];
        var oihw = new float[weights.Floats.Length];
        for (long h = 0; h < kh; h++)
        {
            for (long w = 0; w < kw; w++)
            {
                for (long i = 0; i < ci; i++)
                {
                    for (long o = 0; o < co; o++)
                    {
                        oihw[((o * ci + i) * kh + h) * kw + w] = weights.Floats[((h * kw + w) * ci + i) * co + o];
                    }
                }
            }
        }

        var w4 = Initializer(node.Name + "/oihw", oihw, [co, ci, kh, kw]);
        var conv = Node("Conv", node.Name, [Resolve(input), w4], output);
        conv.Attribute.Add(Ints("kernel_shape", kh, kw));
        conv.Attribute.Add(Ints("strides", strides.Item1, strides.Item2));
        conv.Attribute.Add(Ints("dilations", dilations.Item1, dilations.Item2));
        if (pads is null)
        {
            // TensorFlow's SAME puts the odd pixel of padding at the end, as SAME_UPPER does.
            conv.Attribute.Add(new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("SAME_UPPER") });
        }
        else
        {
            conv.Attribute.Add(Ints("pads", pads));
        }

        _rank[output] = 4;
    }

    private void Elementwise(TensorFlowGraph.Node node, string op)
    {
        if (node.Op == "BiasAdd")
        {
            RequireNhwc(node);
        }

        var operands = new string[2];
        int rank = 0;
        for (var k = 0; k < 2; k++)
        {
            if (!_constants.ContainsKey(Strip(node.Inputs[k])))
            {
                operands[k] = Resolve(node.Inputs[k]);
                rank = Math.Max(rank, RankOf(node, operands[k]));
            }
        }

        for (var k = 0; k < 2; k++)
        {
            if (operands[k] is null)
            {
                operands[k] = Broadcastable(node, _constants[Strip(node.Inputs[k])], rank);
            }
        }

        Node(op, node.Name, operands, node.Name);
        _rank[node.Name] = rank;
    }

    private void BatchNorm(TensorFlowGraph.Node node)
    {
        RequireNhwc(node);
        if (node.Attr("is_training")?.B == true)
        {
            throw Unsupported(node, "a batch norm in training mode");
        }

        var inputs = new List<string> { Resolve(node.Inputs[0]) };
        for (var k = 1; k <= 4; k++)
        {
            var c = Const(node, k);
            inputs.Add(Initializer($"{node.Name}/{k}", c.Floats, [c.Floats.Length]));
        }

        var bn = Node("BatchNormalization", node.Name, inputs, node.Name);
        bn.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = node.Attr("epsilon")?.F ?? 1e-4f });
        _rank[node.Name] = 4;
    }

    private void Unary(TensorFlowGraph.Node node, string op)
    {
        var input = Resolve(node.Inputs[0]);
        Node(op, node.Name, [input], node.Name);
        _rank[node.Name] = RankOf(node, input);
    }

    private void Softmax(TensorFlowGraph.Node node)
    {
        var input = Resolve(node.Inputs[0]);
        if (RankOf(node, input) == 4)
        {
            throw Unsupported(node, "a softmax over channels of a 4-D tensor");
        }

        var softmax = Node("Softmax", node.Name, [input], node.Name);
        softmax.Attribute.Add(Int("axis", -1));
        _rank[node.Name] = RankOf(node, input);
    }

    private void Rsqrt(TensorFlowGraph.Node node)
    {
        var input = Resolve(node.Inputs[0]);
        var sqrt = Fresh(node.Name + "/sqrt");
        Node("Sqrt", sqrt, [input], sqrt);
        Node("Reciprocal", node.Name, [sqrt], node.Name);
        _rank[node.Name] = RankOf(node, input);
    }

    private void Square(TensorFlowGraph.Node node)
    {
        var input = Resolve(node.Inputs[0]);
        Node("Mul", node.Name, [input, input], node.Name);
        _rank[node.Name] = RankOf(node, input);
    }

    private void Sum(TensorFlowGraph.Node node)
    {
        var input = Resolve(node.Inputs[0]);
        int rank = RankOf(node, input);
        var axes = Const(node, 1).Ints().Select(a => (long)Axis(node, (int)a, rank)).ToArray();
        bool keep = node.Attr("keep_dims")?.B ?? false;
        var sum = Node("ReduceSum", node.Name, [input, IntInitializer(node.Name + "/axes", axes)], node.Name);
        sum.Attribute.Add(Int("keepdims", keep ? 1 : 0));
        _rank[node.Name] = keep ? rank : rank - axes.Length;
    }

    private void MaxPool(TensorFlowGraph.Node node)
    {
        RequireNhwc(node);
        var kernel = NhwcPair(node, "ksize", 1);
        var strides = NhwcPair(node, "strides", 1);
        var pool = Node("MaxPool", node.Name, [Resolve(node.Inputs[0])], node.Name);
        pool.Attribute.Add(Ints("kernel_shape", kernel.Item1, kernel.Item2));
        pool.Attribute.Add(Ints("strides", strides.Item1, strides.Item2));
        if (node.Attr("padding")?.S == "SAME")
        {
            pool.Attribute.Add(new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8("SAME_UPPER") });
        }

        _rank[node.Name] = 4;
    }

    private void Pad(TensorFlowGraph.Node node)
    {
        var input = Resolve(node.Inputs[0]);
        var p = Const(node, 1).Ints();
        if (RankOf(node, input) != 4 || p.Length != 8)
        {
            throw Unsupported(node, "only a 4-D Pad is supported");
        }

        // paddings [[N0, N1], [H0, H1], [W0, W1], [C0, C1]] → ONNX [N0, C0, H0, W0, N1, C1, H1, W1].
        long[] pads = [p[0], p[6], p[2], p[4], p[1], p[7], p[3], p[5]];
        Node("Pad", node.Name, [input, IntInitializer(node.Name + "/pads", pads)], node.Name);
        _rank[node.Name] = 4;
    }

    private void Reshape(TensorFlowGraph.Node node)
    {
        var input = Resolve(node.Inputs[0]);
        var shape = Const(node, 1).Ints();
        int rank = RankOf(node, input);
        if (rank == 4 && shape.Length == 2 && shape[1] == -1)
        {
            // A flatten: in TensorFlow's order (H, W, C), so transpose back to NHWC first.
            var nhwc = Fresh(node.Name + "/nhwc");
            Node("Transpose", nhwc, [input], nhwc).Attribute.Add(Ints("perm", 0, 2, 3, 1));
            Node("Flatten", node.Name, [nhwc], node.Name).Attribute.Add(Int("axis", 1));
            _rank[node.Name] = 2;
        }
        else if (rank == 2 && shape.Length == 2 && shape[0] == -1 && shape[1] > 0)
        {
            // [1, K*M] → [-1, M] folds the batch; [N, K, M] keeps it (same values for N = 1).
            Node("Reshape", node.Name, [input, IntInitializer(node.Name + "/shape", [0, -1, shape[1]])], node.Name);
            _rank[node.Name] = 3;
        }
        else if (rank == 3 && shape.Length == 2 && shape[0] == -1)
        {
            Node("Flatten", node.Name, [input], node.Name).Attribute.Add(Int("axis", 1));
            _rank[node.Name] = 2;
        }
        else
        {
            throw Unsupported(node, $"a Reshape of a rank-{rank} tensor to [{string.Join(", ", shape)}]");
        }
    }

    private void Concat(TensorFlowGraph.Node node)
    {
        var parts = node.Inputs.Take(node.Inputs.Count - 1).Select(Resolve).ToList();
        int rank = RankOf(node, parts[0]);
        int axis = Axis(node, (int)Const(node, node.Inputs.Count - 1).Ints()[0], rank);
        Node("Concat", node.Name, parts, node.Name).Attribute.Add(Int("axis", axis));
        _rank[node.Name] = rank;
    }

    // ---- constants ---------------------------------------------------------------------------

    private Constant ConstantOf(TensorFlowGraph.Node node)
    {
        var t = node.Attr("value")?.Tensor ?? throw Unsupported(node, "a Const without a value");
        long count = t.Shape.Aggregate(1L, (a, d) => a * d);
        switch (t.DataType)
        {
            case TensorFlowGraph.Tensor.Float:
                {
                    var values = t.Content is { } c ? Floats(c) : Fill(t.FloatValues, count);
                    return new Constant(t.Shape, values, null, null);
                }

            case TensorFlowGraph.Tensor.Int32:
                {
                    long[] values;
                    if (t.Content is { } c)
                    {
                        values = new long[c.Length / 4];
                        for (var i = 0; i < values.Length; i++)
                        {
                            values[i] = BinaryPrimitives.ReadInt32LittleEndian(c.AsSpan(i * 4));
                        }
                    }
                    else
                    {
                        values = t.IntValues.Length == count || t.IntValues.Length == 0 ? t.IntValues : Enumerable.Repeat(t.IntValues[^1], (int)count).ToArray();
                    }

                    return new Constant(t.Shape, [], values, null);
                }

            case TensorFlowGraph.Tensor.UInt8 or TensorFlowGraph.Tensor.QUInt8:
                return new Constant(t.Shape, [], null, t.Content ?? t.IntValues.Select(v => (byte)v).ToArray());
            default:
                throw Unsupported(node, $"a Const of TensorFlow data type {t.DataType}");
        }
    }

    /// <summary>
    /// 8-bit weights back to floats, as TensorFlow's Dequantize does for quint8 (QuantizedToFloat):
    /// 256 steps spread over the range stretched by 256/255, with min rounded to a whole step.
    /// </summary>
    private Constant Dequantize(TensorFlowGraph.Node node)
    {
        var q = Const(node, 0);
        float min = Const(node, 1).Floats[0], max = Const(node, 2).Floats[0];
        var mode = node.Attr("mode")?.S ?? "MIN_COMBINED";
        if (q.Bytes is null)
        {
            throw Unsupported(node, "a Dequantize of something other than 8-bit weights");
        }

        var values = new float[q.Bytes.Length];
        if (min == max)
        {
            Array.Fill(values, min);
        }
        else if (mode == "MIN_FIRST")
        {
            double range = (max - min) * (256.0 / 255.0), scale = range / 256.0;
            double minRounded = Math.Round(min / (float)scale) * (float)scale;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(minRounded + q.Bytes[i] * scale);
            }
        }
        else if (mode == "MIN_COMBINED")
        {
            double scale = (max - min) / 255.0;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)(min + q.Bytes[i] * scale);
            }
        }
        else
        {
            throw Unsupported(node, $"Dequantize mode {mode}");
        }

        return new Constant(q.Shape, values, null, null);
    }

    private Constant Const(TensorFlowGraph.Node node, int input)
    {
        if (input >= node.Inputs.Count || !_constants.TryGetValue(Strip(node.Inputs[input]), out var c))
        {
            throw Unsupported(node, $"input {input} is not a constant");
        }

        return c;
    }

    /// <summary>A constant operand of an element-wise op, shaped to broadcast over NCHW.</summary>
    private string Broadcastable(TensorFlowGraph.Node node, Constant c, int rank)
    {
        var values = c.Floats.Length > 0 ? c.Floats : (c.IntValues ?? []).Select(v => (float)v).ToArray();
        long[] shape = values.Length == 1 ? [] : rank == 4 ? [1, values.Length, 1, 1] : rank == 2 ? [1, values.Length] : [values.Length];
        if (values.Length != 1 && c.Shape.Length > 1)
        {
            throw Unsupported(node, "a constant operand that is not per-channel or scalar");
        }

        return Initializer(Fresh(node.Name + "/const"), values, shape);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private TensorFlowGraph.Node? ConsumerOf(string name, string op)
    {
        foreach (var n in _tf.Nodes)
        {
            if (n.Op == op && n.Inputs.Count > 0 && Strip(n.Inputs[0]) == name)
            {
                return n;
            }
        }

        return null;
    }

    private string Resolve(string input)
    {
        var name = Strip(input);
        while (_alias.TryGetValue(name, out var target) && target != name)
        {
            name = target;
        }

        return name;
    }

    private static string Strip(string input)
    {
        var name = input.StartsWith('^') ? input[1..] : input;
        return name.EndsWith(":0", StringComparison.Ordinal) ? name[..^2] : name;
    }

    private int RankOf(TensorFlowGraph.Node node, string tensor) =>
        _rank.TryGetValue(tensor, out var r) ? r : throw Unsupported(node, $"input '{tensor}' is not computed before it");

    private int Axis(TensorFlowGraph.Node node, int axis, int rank)
    {
        if (axis < 0)
        {
            axis += rank;
        }

        if (axis < 0 || axis >= rank)
        {
            throw Unsupported(node, $"axis {axis} of a rank-{rank} tensor");
        }

        // NHWC axis → NCHW axis for 4-D activations.
        return rank == 4 ? axis switch { 0 => 0, 1 => 2, 2 => 3, _ => 1 } : axis;
    }

    private (long, long) NhwcPair(TensorFlowGraph.Node node, string attr, long fallback)
    {
        var v = node.Attr(attr)?.Ints;
        if (v is null)
        {
            return (fallback, fallback);
        }

        if (v.Length != 4 || v[0] != 1 || v[3] != 1)
        {
            throw Unsupported(node, $"{attr} [{string.Join(", ", v)}] (only spatial values are supported)");
        }

        return (v[1], v[2]);
    }

    private void RequireNhwc(TensorFlowGraph.Node node)
    {
        if (node.Attr("data_format")?.S is { } format && format != "NHWC")
        {
            throw Unsupported(node, $"data format {format} (NHWC expected)");
        }
    }

    private NodeProto Node(string op, string name, IEnumerable<string> inputs, string output)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        _graph.Node.Add(n);
        return n;
    }

    private string Fresh(string stem) => $"{stem}_{_counter++}";

    private string Initializer(string name, float[] values, long[] shape)
    {
        _graph.Initializer.Add(OnnxProtos.Floats(name, values, shape));
        return name;
    }

    private string IntInitializer(string name, long[] values)
    {
        _graph.Initializer.Add(OnnxProtos.Int64s(name, values));
        return name;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static float[] Floats(byte[] content)
    {
        var values = new float[content.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(content.AsSpan(i * 4));
        }

        return values;
    }

    private static float[] Fill(float[] given, long count)
    {
        // TensorFlow may store one value for a whole tensor: it repeats the last one.
        if (given.Length == count || given.Length == 0)
        {
            return given;
        }

        var values = new float[count];
        given.CopyTo(values, 0);
        Array.Fill(values, given[^1], given.Length, (int)count - given.Length);
        return values;
    }

    private OnnxGraphEditException Unsupported(TensorFlowGraph.Node node, string what) =>
        new($"{_source}: cannot convert node '{node.Name}' ({node.Op}) to ONNX: {what}");

    /// <summary>A folded constant: floats, or int32s, or raw 8-bit values.</summary>
    private sealed record Constant(long[] Shape, float[] Floats, long[]? IntValues, byte[]? Bytes)
    {
        public long[] Ints() => IntValues ?? Floats.Select(f => (long)f).ToArray();
    }
}
