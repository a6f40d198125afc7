using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MaskTrainer.Onnx;

/// <summary>
/// Static 8-bit quantization of a convolutional pixel graph in ONNX's QDQ form, which ONNX Runtime
/// fuses into integer kernels (QLinearConv, QLinearAdd; VNNI where the CPU has it): ResNet18 runs
/// about 2.7x faster per face on one thread here, its features at cosine 0.991 to the float ones on
/// average (<c>bench quantize</c>, docs/backbones.md). ONNX Runtime's own quantizer is Python and not served here, so this is
/// the part of it such a network needs:
/// <list type="number">
/// <item>BatchNormalization folded into the Conv before it (weights and bias rescaled per channel);</item>
/// <item>opset raised to 13 (per-channel DequantizeLinear); Split's <c>split</c> attribute becomes its input;</item>
/// <item>every Conv's input and every Conv and Add output quantized to uint8 with a scale and zero point
/// from its measured range (<see cref="Int8Ranges"/>); a Relu after them is dropped, because the
/// quantization of its range, which starts at 0, clamps as the Relu did;</item>
/// <item>Conv weights int8 (7 bits used, <see cref="WeightLevels"/>), symmetric per output channel; biases int32 at input scale x weight scale.</item>
/// </list>
/// Everything else (the preprocessing, the pooling, the flatten) stays float. Deterministic: the same
/// graph and ranges give the same bytes.
/// </summary>
public static class Int8Quantizer
{
    /// <summary>Part of the quantized pixel graphs' cache key: bump it whenever the quantization changes.</summary>
    public const int Version = 2;

    /// <summary>
    /// Weights use [-63, 63], 7 bits (ONNX Runtime's <c>reduce_range</c>): a CPU without VNNI multiplies
    /// uint8 activations by int8 weights in pairs summed into 16 bits (vpmaddubsw), and 2 x 255 x 127
    /// overflows them; 2 x 255 x 63 does not, so a model gives the same features on every x86 CPU.
    /// </summary>
    public const int WeightLevels = 63;

    /// <summary>Opset of the quantized graph: per-axis DequantizeLinear needs 13.</summary>
    public const int Opset = 13;

    /// <summary>
    /// <paramref name="model"/> with BatchNormalization folded into its Convs, at opset 13: the float graph the
    /// ranges are measured on (<see cref="CalibrationTensors"/>) and that <see cref="Quantize"/> starts from.
    /// </summary>
    public static ModelProto Fold(byte[] model, string modelName)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Guard(modelName, () => FoldCore(model, modelName));
    }

    private static ModelProto FoldCore(byte[] model, string modelName)
    {
        var proto = OnnxGraphEdit.Parse(model, modelName);
        var g = proto.Graph;
        var init = Initializers(g);
        var consumers = Consumers(g);
        foreach (var bn in g.Node.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            var conv = g.Node.SingleOrDefault(n => n.Output.Contains(bn.Input[0]));
            if (conv is null || conv.OpType != "Conv" || consumers[bn.Input[0]].Count() != 1)
            {
                throw new OnnxGraphEditException($"{modelName}: BatchNormalization {bn.Name} does not follow a Conv it alone reads; cannot fold it");
            }

            var w = Floats(init[conv.Input[1]]);
            var dims = init[conv.Input[1]].Dims.ToArray();
            int channels = (int)dims[0], per = w.Length / channels;
            var gamma = Floats(init[bn.Input[1]]);
            var beta = Floats(init[bn.Input[2]]);
            var mean = Floats(init[bn.Input[3]]);
            var variance = Floats(init[bn.Input[4]]);
            float epsilon = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var bias = conv.Input.Count > 2 ? Floats(init[conv.Input[2]]) : new float[channels];
            for (int c = 0; c < channels; c++)
            {
                float k = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                for (int i = 0; i < per; i++)
                {
                    w[c * per + i] *= k;
                }

                bias[c] = (bias[c] - mean[c]) * k + beta[c];
            }

            Replace(g, init, OnnxProtos.Floats(conv.Input[1], w, dims));
            string biasName = conv.Input[1] + "/folded_bias";
            Replace(g, init, OnnxProtos.Floats(biasName, bias, channels));
            while (conv.Input.Count > 2)
            {
                conv.Input.RemoveAt(2);
            }

            conv.Input.Add(biasName);
            conv.Output[0] = bn.Output[0];
            g.Node.Remove(bn);
        }

        foreach (var split in g.Node.Where(n => n.OpType == "Split"))
        {
            if (split.Attribute.FirstOrDefault(a => a.Name == "split") is { } sizes)
            {
                var t = OnnxProtos.Int64s(split.Output[0] + "/split_sizes", [.. sizes.Ints]);
                Replace(g, init, t);
                split.Input.Add(t.Name);
                split.Attribute.Remove(sizes);
            }
        }

        proto.OpsetImport.Clear();
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        proto.IrVersion = Math.Max(proto.IrVersion, 7);
        RemoveUnused(g);
        return proto;
    }

    /// <summary>The tensors of a folded graph whose range <see cref="Quantize"/> needs, in graph order.</summary>
    public static IReadOnlyList<string> CalibrationTensors(ModelProto folded)
    {
        ArgumentNullException.ThrowIfNull(folded);
        var consumers = Consumers(folded.Graph);
        var tensors = new List<string>();
        foreach (var n in folded.Graph.Node)
        {
            if (n.OpType == "Conv" && !tensors.Contains(n.Input[0]))
            {
                tensors.Add(n.Input[0]);
            }

            if (n.OpType is "Conv" or "Add")
            {
                var next = consumers[n.Output[0]].ToList();
                string t = next.Count == 1 && next[0].OpType == "Relu" ? next[0].Output[0] : n.Output[0];
                if (!tensors.Contains(t))
                {
                    tensors.Add(t);
                }
            }
        }

        return tensors;
    }

    /// <summary>The folded graph quantized with <paramref name="ranges"/>, serialised.</summary>
    /// <exception cref="OnnxGraphEditException">A tensor's range is missing, or the graph is not Conv/Add/Relu as expected.</exception>
    public static byte[] Quantize(ModelProto folded, Int8Ranges ranges, string modelName)
    {
        ArgumentNullException.ThrowIfNull(folded);
        ArgumentNullException.ThrowIfNull(ranges);
        return Guard(modelName, () => QuantizeCore(folded, ranges, modelName));
    }

    /// <summary>Any failure of the graph surgery as the one exception the featurizer reports (a graph this code does not handle).</summary>
    private static T Guard<T>(string modelName, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or InvalidProtocolBufferException)
        {
            throw new OnnxGraphEditException($"{modelName}: cannot quantize this graph ({e.GetType().Name}: {e.Message}); 8-bit pixel graphs are made for Conv/BatchNormalization/Relu/Add networks such as ResNet", e);
        }
    }

    private static byte[] QuantizeCore(ModelProto folded, Int8Ranges ranges, string modelName)
    {
        var proto = folded.Clone();
        var g = proto.Graph;
        var init = Initializers(g);
        var consumers = Consumers(g);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var n in g.Node)
        {
            foreach (var o in n.Output)
            {
                producers[o] = n;
            }
        }

        var tensors = CalibrationTensors(proto);
        var parameters = new Dictionary<string, (float Scale, byte ZeroPoint)>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (!ranges.Tensors.TryGetValue(t, out var range))
            {
                throw new OnnxGraphEditException($"{modelName}: no calibrated range for tensor '{t}' (ranges measured for another graph?)");
            }

            parameters[t] = Uint8(range.Min, range.Max);
        }

        // A Relu whose input range starts at 0 after quantization is what the QuantizeLinear does anyway.
        foreach (var relu in g.Node.Where(n => n.OpType == "Relu").ToList())
        {
            if (!producers.TryGetValue(relu.Input[0], out var before) || before.OpType is not ("Conv" or "Add")
                || consumers[relu.Input[0]].Count() != 1 || !parameters.TryGetValue(relu.Output[0], out var p) || p.ZeroPoint != 0)
            {
                throw new OnnxGraphEditException($"{modelName}: Relu {relu.Name} is not the only reader of a Conv or Add output with a range from 0");
            }

            before.Output[0] = relu.Output[0];
            g.Node.Remove(relu);
        }

        var added = new List<NodeProto>();
        var scales = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            var (scale, zero) = parameters[t];
            scales[t] = scale;
            string s = t + "/q_scale", z = t + "/q_zero";
            Replace(g, init, OnnxProtos.Floats(s, [scale]));
            Replace(g, init, new TensorProto { Name = z, DataType = (int)TensorProto.Types.DataType.Uint8, RawData = ByteString.CopyFrom([zero]) });
            added.Add(Node("QuantizeLinear", t + "/q", [t, s, z], t + "/quantized"));
            added.Add(Node("DequantizeLinear", t + "/dq", [t + "/quantized", s, z], t + "/dequantized"));
        }

        foreach (var n in g.Node)
        {
            for (int i = 0; i < n.Input.Count; i++)
            {
                if (scales.ContainsKey(n.Input[i]))
                {
                    n.Input[i] += "/dequantized";
                }
            }
        }

        foreach (var output in g.Output)
        {
            if (scales.ContainsKey(output.Name))
            {
                throw new OnnxGraphEditException($"{modelName}: graph output '{output.Name}' would be quantized; expected float features");
            }
        }

        foreach (var conv in g.Node.Where(n => n.OpType == "Conv").ToList())
        {
            string input = conv.Input[0][..^"/dequantized".Length];
            added.AddRange(QuantizeWeights(g, init, conv, scales[input]));
        }

        g.Node.AddRange(added);
        SortTopologically(g, modelName);
        RemoveUnused(g);
        return proto.ToByteArray();
    }

    /// <summary>Scale and zero point that map [min, max] (widened to hold 0) onto 0..255.</summary>
    internal static (float Scale, byte ZeroPoint) Uint8(float min, float max)
    {
        float lo = Math.Min(0, min), hi = Math.Max(0, max);
        float scale = hi > lo ? (hi - lo) / 255f : 1f;
        return (scale, (byte)Math.Clamp(MathF.Round(-lo / scale), 0, 255));
    }

    /// <summary>The Conv's weights as int8 (symmetric, per output channel) and its bias as int32, each behind a DequantizeLinear.</summary>
    private static IEnumerable<NodeProto> QuantizeWeights(GraphProto g, Dictionary<string, TensorProto> init, NodeProto conv, float inputScale)
    {
        if (conv.Input.Count < 3 || conv.Input[2].Length == 0)
        {
            // A Conv without a bias (none was folded into it) gets zeros, so every Conv has the same form.
            string zeros = conv.Input[1] + "/zero_bias";
            Replace(g, init, OnnxProtos.Floats(zeros, new float[init[conv.Input[1]].Dims[0]], init[conv.Input[1]].Dims[0]));
            while (conv.Input.Count < 3)
            {
                conv.Input.Add("");
            }

            conv.Input[2] = zeros;
        }

        string wName = conv.Input[1], bName = conv.Input[2];
        var w = Floats(init[wName]);
        var dims = init[wName].Dims.ToArray();
        int channels = (int)dims[0], per = w.Length / channels;
        var scales = new float[channels];
        var q = new sbyte[w.Length];
        for (int c = 0; c < channels; c++)
        {
            float peak = 0;
            for (int i = 0; i < per; i++)
            {
                peak = Math.Max(peak, Math.Abs(w[c * per + i]));
            }

            scales[c] = peak > 0 ? peak / WeightLevels : 1f;
            for (int i = 0; i < per; i++)
            {
                q[c * per + i] = (sbyte)Math.Clamp(MathF.Round(w[c * per + i] / scales[c]), -WeightLevels, WeightLevels);
            }
        }

        var b = Floats(init[bName]);
        var bq = new int[channels];
        var bScales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            bScales[c] = inputScale * scales[c];
            bq[c] = (int)Math.Clamp(MathF.Round(b[c] / bScales[c]), int.MinValue, int.MaxValue);
        }

        var wq = new TensorProto { Name = wName + "/int8", DataType = (int)TensorProto.Types.DataType.Int8, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes<sbyte>(q)) };
        wq.Dims.AddRange(dims);
        Replace(g, init, wq);
        Replace(g, init, OnnxProtos.Floats(wName + "/int8_scale", scales, channels));
        Replace(g, init, new TensorProto { Name = wName + "/int8_zero", DataType = (int)TensorProto.Types.DataType.Int8, Dims = { channels }, RawData = ByteString.CopyFrom(new byte[channels]) });
        Replace(g, init, new TensorProto { Name = bName + "/int32", DataType = (int)TensorProto.Types.DataType.Int32, Dims = { channels }, Int32Data = { bq } });
        Replace(g, init, OnnxProtos.Floats(bName + "/int32_scale", bScales, channels));
        Replace(g, init, new TensorProto { Name = bName + "/int32_zero", DataType = (int)TensorProto.Types.DataType.Int32, Dims = { channels }, Int32Data = { new int[channels] } });
        conv.Input[1] = wName + "/int8_dequantized";
        conv.Input[2] = bName + "/int32_dequantized";
        yield return PerChannel(Node("DequantizeLinear", wName + "/int8_dq", [wName + "/int8", wName + "/int8_scale", wName + "/int8_zero"], conv.Input[1]));
        yield return PerChannel(Node("DequantizeLinear", bName + "/int32_dq", [bName + "/int32", bName + "/int32_scale", bName + "/int32_zero"], conv.Input[2]));
    }

    private static NodeProto PerChannel(NodeProto node)
    {
        node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        return node;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    /// <summary>Orders the nodes so that each comes after the producers of its inputs (stable otherwise).</summary>
    private static void SortTopologically(GraphProto g, string modelName)
    {
        var known = new HashSet<string>(g.Input.Select(i => i.Name).Concat(g.Initializer.Select(i => i.Name)), StringComparer.Ordinal) { "" };
        var pending = g.Node.ToList();
        var sorted = new List<NodeProto>(pending.Count);
        while (pending.Count > 0)
        {
            int i = pending.FindIndex(n => n.Input.All(known.Contains));
            if (i < 0)
            {
                throw new OnnxGraphEditException($"{modelName}: the quantized graph has a cycle or an undefined input ({string.Join(", ", pending[0].Input.Where(x => !known.Contains(x)))})");
            }

            var node = pending[i];
            pending.RemoveAt(i);
            sorted.Add(node);
            foreach (var o in node.Output)
            {
                known.Add(o);
            }
        }

        g.Node.Clear();
        g.Node.AddRange(sorted);
    }

    private static void RemoveUnused(GraphProto g)
    {
        var used = new HashSet<string>(g.Node.SelectMany(n => n.Input), StringComparer.Ordinal);
        foreach (var t in g.Initializer.Where(t => !used.Contains(t.Name)).ToList())
        {
            g.Initializer.Remove(t);
        }

        foreach (var v in g.ValueInfo.ToList())
        {
            g.ValueInfo.Remove(v); // shapes of removed or renamed tensors; ONNX Runtime infers them again
        }
    }

    private static Dictionary<string, TensorProto> Initializers(GraphProto g)
    {
        var init = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in g.Initializer)
        {
            init[t.Name] = t;
        }

        return init;
    }

    private static ILookup<string, NodeProto> Consumers(GraphProto g) =>
        g.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n))).ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);

    private static void Replace(GraphProto g, Dictionary<string, TensorProto> init, TensorProto tensor)
    {
        if (init.TryGetValue(tensor.Name, out var old))
        {
            g.Initializer.Remove(old);
        }

        g.Initializer.Add(tensor);
        init[tensor.Name] = tensor;
    }

    private static float[] Floats(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new OnnxGraphEditException($"initializer '{t.Name}' is not float (type {t.DataType})");
        }

        if (t.FloatData.Count > 0)
        {
            return [.. t.FloatData];
        }

        return MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
    }
}
