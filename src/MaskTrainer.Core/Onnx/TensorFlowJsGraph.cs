using System.Buffers.Binary;
using System.Text.Json;

namespace MaskTrainer.Onnx;

/// <summary>
/// A TensorFlow.js graph model (<c>model.json</c> + its weight files) read as a
/// <see cref="TensorFlowGraph"/>, so <see cref="TensorFlowToOnnx"/> converts it like a frozen .pb.
/// The JSON's <c>modelTopology</c> is a GraphDef written as JSON (attribute strings in base64,
/// int64s as strings); the weights are one concatenated buffer described, in order, by
/// <c>weightsManifest</c> (float32, int32, and float32 stored as float16 or as 8/16-bit steps).
/// Each weight becomes the value of the Const node of its name. The nodes are returned in
/// dependency order: the converter reads them once, in order, and the JSON does not promise it.
/// </summary>
internal static class TensorFlowJsGraph
{
    /// <summary>Reads <paramref name="modelJson"/> with the weight files it names (beside it).</summary>
    /// <exception cref="OnnxGraphEditException">A file is missing, or is not a graph model.</exception>
    public static TensorFlowGraph Read(string modelJson)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(modelJson);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxGraphEditException($"{modelJson}: cannot read: {e.Message}", e);
        }

        return Parse(json, name => ReadWeightFile(modelJson, name), modelJson);
    }

    /// <summary>
    /// Parses a graph model's JSON; <paramref name="weightFile"/> gives the bytes of each weight
    /// file the manifest names (relative path).
    /// </summary>
    public static TensorFlowGraph Parse(byte[] json, Func<string, byte[]> weightFile, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (!root.TryGetProperty("modelTopology", out var topology) || !topology.TryGetProperty("node", out var nodesJson))
            {
                throw new OnnxGraphEditException($"{source}: not a TensorFlow.js graph model (no modelTopology.node)");
            }

            var weights = ReadWeights(root, weightFile, source);
            var nodes = new List<TensorFlowGraph.Node>();
            foreach (var n in nodesJson.EnumerateArray())
            {
                var name = n.GetProperty("name").GetString() ?? "";
                var op = n.GetProperty("op").GetString() ?? "";
                var inputs = n.TryGetProperty("input", out var i) ? i.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
                var attrs = new Dictionary<string, TensorFlowGraph.Attr>(StringComparer.Ordinal);
                if (n.TryGetProperty("attr", out var attrJson))
                {
                    foreach (var a in attrJson.EnumerateObject())
                    {
                        attrs[a.Name] = ReadAttr(a.Value);
                    }
                }

                if (op == "Const")
                {
                    if (!weights.TryGetValue(name, out var tensor))
                    {
                        throw new OnnxGraphEditException($"{source}: constant '{name}' has no weights in the manifest");
                    }

                    attrs["value"] = new TensorFlowGraph.Attr { Tensor = tensor };
                }

                nodes.Add(new TensorFlowGraph.Node(name, op, inputs, attrs));
            }

            return TensorFlowGraph.FromNodes(InDependencyOrder(nodes, source), source);
        }
        catch (JsonException e)
        {
            throw new OnnxGraphEditException($"{source}: not a TensorFlow.js graph model: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new OnnxGraphEditException($"{source}: not a TensorFlow.js graph model: {e.Message}", e);
        }
    }

    private static byte[] ReadWeightFile(string modelJson, string relative)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelJson)) ?? ".", relative);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxGraphEditException($"{path}: cannot read the weights of {modelJson}: {e.Message}", e);
        }
    }

    private static Dictionary<string, TensorFlowGraph.Tensor> ReadWeights(JsonElement root, Func<string, byte[]> weightFile, string source)
    {
        var result = new Dictionary<string, TensorFlowGraph.Tensor>(StringComparer.Ordinal);
        if (!root.TryGetProperty("weightsManifest", out var manifest))
        {
            return result;
        }

        foreach (var group in manifest.EnumerateArray())
        {
            // A group's specs run through the concatenation of its files, in order.
            var data = group.GetProperty("paths").EnumerateArray().SelectMany(p => weightFile(p.GetString() ?? "")).ToArray();
            int offset = 0;
            foreach (var spec in group.GetProperty("weights").EnumerateArray())
            {
                var name = spec.GetProperty("name").GetString() ?? "";
                var shape = spec.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var dtype = spec.GetProperty("dtype").GetString();
                int count = checked((int)shape.Aggregate(1L, (a, d) => a * d));
                string stored = spec.TryGetProperty("quantization", out var q) ? q.GetProperty("dtype").GetString() ?? "" : dtype ?? "";
                int size = stored switch
                {
                    "float32" or "int32" => 4,
                    "float16" or "uint16" => 2,
                    "uint8" => 1,
                    _ => throw new OnnxGraphEditException($"{source}: weight '{name}' is stored as {stored}, which is not supported"),
                };
                if (offset + count * size > data.Length)
                {
                    throw new OnnxGraphEditException($"{source}: the weight files end inside weight '{name}' ({data.Length} bytes)");
                }

                var bytes = data.AsSpan(offset, count * size);
                offset += count * size;
                result[name] = dtype switch
                {
                    "float32" => new TensorFlowGraph.Tensor(TensorFlowGraph.Tensor.Float, shape, FloatBytes(bytes, stored, q, count), [], []),
                    "int32" when stored == "int32" => new TensorFlowGraph.Tensor(TensorFlowGraph.Tensor.Int32, shape, bytes.ToArray(), [], []),
                    _ => throw new OnnxGraphEditException($"{source}: weight '{name}' has type {dtype} stored as {stored}, which is not supported"),
                };
            }

            if (offset != data.Length)
            {
                throw new OnnxGraphEditException($"{source}: the manifest describes {offset} bytes of weights, the files hold {data.Length}");
            }
        }

        return result;
    }

    /// <summary>Float32 little-endian bytes of a float weight, dequantized as TensorFlow.js does.</summary>
    private static byte[] FloatBytes(ReadOnlySpan<byte> stored, string kind, JsonElement quantization, int count)
    {
        var result = new byte[count * 4];
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(result.AsSpan());
        switch (kind)
        {
            case "float32":
                stored.CopyTo(result);
                break;
            case "float16":
                for (int i = 0; i < count; i++)
                {
                    floats[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(stored[(i * 2)..]);
                }

                break;
            default:
                {
                    // 8/16-bit steps: value = min + step * scale (tfjs-core's io/io_utils).
                    float min = quantization.GetProperty("min").GetSingle(), scale = quantization.GetProperty("scale").GetSingle();
                    for (int i = 0; i < count; i++)
                    {
                        int step = kind == "uint8" ? stored[i] : BinaryPrimitives.ReadUInt16LittleEndian(stored[(i * 2)..]);
                        floats[i] = min + step * scale;
                    }

                    break;
                }
        }

        return result;
    }

    // AttrValue in JSON: s (base64), i (int64 as a string), f, b, type, shape, list { i, s, ... }.
    private static TensorFlowGraph.Attr ReadAttr(JsonElement a)
    {
        var attr = new TensorFlowGraph.Attr();
        if (a.TryGetProperty("s", out var s))
        {
            attr.S = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString() ?? ""));
        }

        if (a.TryGetProperty("i", out var i))
        {
            attr.I = long.Parse(i.GetString() ?? i.GetRawText(), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (a.TryGetProperty("f", out var f))
        {
            attr.F = f.ValueKind == JsonValueKind.String ? float.Parse(f.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : f.GetSingle();
        }

        if (a.TryGetProperty("b", out var b))
        {
            attr.B = b.GetBoolean();
        }

        if (a.TryGetProperty("list", out var list))
        {
            if (list.TryGetProperty("i", out var ints))
            {
                attr.Ints = ints.EnumerateArray().Select(x => long.Parse(x.GetString() ?? x.GetRawText(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            }

            if (list.TryGetProperty("s", out var strings))
            {
                attr.Strings = strings.EnumerateArray().Select(x => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(x.GetString() ?? ""))).ToArray();
            }
        }

        return attr;
    }

    /// <summary>The nodes with every node after its inputs (depth-first, file order otherwise).</summary>
    private static List<TensorFlowGraph.Node> InDependencyOrder(List<TensorFlowGraph.Node> nodes, string source)
    {
        var byName = new Dictionary<string, TensorFlowGraph.Node>(StringComparer.Ordinal);
        foreach (var n in nodes)
        {
            byName[n.Name] = n;
        }

        var ordered = new List<TensorFlowGraph.Node>(nodes.Count);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false = on the path, true = placed
        foreach (var n in nodes)
        {
            Visit(n);
        }

        return ordered;

        void Visit(TensorFlowGraph.Node node)
        {
            if (state.TryGetValue(node.Name, out var placed))
            {
                if (!placed)
                {
                    throw new OnnxGraphEditException($"{source}: the graph has a cycle through '{node.Name}'");
                }

                return;
            }

            state[node.Name] = false;
            foreach (var input in node.Inputs)
            {
                var name = input.TrimStart('^');
                int colon = name.LastIndexOf(':');
                if (colon > 0 && int.TryParse(name.AsSpan(colon + 1), out _))
                {
                    name = name[..colon];
                }

                if (byName.TryGetValue(name, out var dependency))
                {
                    Visit(dependency);
                }
            }

            state[node.Name] = true;
            ordered.Add(node);
        }
    }
}
