using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using MaskTrainer.Models;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MaskTrainer.Onnx;

/// <summary>
/// Composes a backbone's pixel graph (see <see cref="Features.PixelGraph"/>) from its ONNX files:
/// <c>pixels</c> [N,3,H,W] raw 0..255 → preprocessing (the spec's preprocessing graph, or Mul/Add
/// by the per-channel affine transform, then a Transpose for NHWC networks) → the network cut at
/// the feature layer → GlobalAveragePool when pooled → Flatten → <c>features</c> [N,D]. Every
/// name of the preprocessing graph and of the network gets a prefix (<c>prep/</c>, <c>net/</c>),
/// so the two cannot collide with each other or with the nodes added here.
/// </summary>
internal static class PixelGraphBuilder
{
    private const string NetPrefix = "net/";
    private const string PrepPrefix = "prep/";
    private const string OwnPrefix = "pixel_graph/";

    /// <summary>Metadata key (ONNX metadata_props) holding D.</summary>
    internal const string FeatureSizeKey = "masktrainer.feature_size";

    /// <summary>Metadata key holding the per-image layer shape, comma-separated.</summary>
    internal const string LayerShapeKey = "masktrainer.layer_shape";

    /// <summary>Metadata key holding the description the cache key was made from.</summary>
    internal const string DescriptionKey = "masktrainer.pixel_graph";

    /// <summary>The built model and what one forward pass measured.</summary>
    internal sealed record Result(byte[] Model, int FeatureSize, int[] LayerShape);

    /// <summary>
    /// Builds the pixel graph. <paramref name="network"/> and <paramref name="prepModel"/> are the
    /// files' bytes (already checked against the spec); <paramref name="pooling"/> is the effective one.
    /// </summary>
    /// <exception cref="OnnxGraphEditException">A graph cannot be composed (unknown layer, several inputs, opsets that differ) or does not run.</exception>
    public static Result Build(
        byte[] network, string networkName, string? layer, Preprocessing preprocessing, FeaturePooling pooling,
        byte[]? prepModel, string? prepName, string description)
    {
        var (net, _) = OnnxGraphEdit.EditProto(network, layer is null ? [] : [layer], symbolicBatch: true, networkName);
        if (net.Graph.Output.Count != 1)
        {
            throw new OnnxGraphEditException(
                $"{networkName}: the graph has {net.Graph.Output.Count} outputs ({string.Join(", ", net.Graph.Output.Select(o => o.Name))}); name the feature layer");
        }

        var netInput = RealInput(net.Graph, networkName);
        var netOutput = net.Graph.Output[0].Name;
        int width = preprocessing.InputWidth, height = preprocessing.InputHeight;

        var model = new ModelProto
        {
            IrVersion = Math.Max(4, net.IrVersion),
            ProducerName = "MaskTrainer",
            ProducerVersion = typeof(PixelGraphBuilder).Assembly.GetName().Version?.ToString() ?? "",
            DocString = "MaskTrainer pixel graph: raw 0..255 planar pixels in, features out.",
        };
        model.OpsetImport.AddRange(net.OpsetImport.Select(o => o.Clone()));
        var graph = new GraphProto { Name = "masktrainer_pixel_graph" };
        model.Graph = graph;
        graph.Input.Add(OnnxProtos.TensorInfo(Features.PixelGraph.PixelsName, ["N", 3, height, width]));

        // Preprocessing: its output feeds the network's input.
        string preprocessed;
        if (prepModel is not null)
        {
            var (prep, _) = OnnxGraphEdit.EditProto(prepModel, [], symbolicBatch: true, prepName!);
            CheckOpsets(prep, prepName!, net, networkName);
            model.IrVersion = Math.Max(model.IrVersion, prep.IrVersion);
            if (prep.Graph.Output.Count != 1)
            {
                throw new OnnxGraphEditException($"{prepName}: a preprocessing graph needs one output, it has {prep.Graph.Output.Count}");
            }

            var prepInput = RealInput(prep.Graph, prepName!);
            preprocessed = PrepPrefix + prep.Graph.Output[0].Name;
            Append(graph, prep.Graph, name => name == prepInput ? Features.PixelGraph.PixelsName : PrepPrefix + name);
        }
        else
        {
            preprocessed = AddAffine(graph, preprocessing);
        }

        Append(graph, net.Graph, name => name == netInput ? preprocessed : NetPrefix + name);
        var layerTensor = NetPrefix + netOutput;

        var flattenInput = layerTensor;
        if (pooling == FeaturePooling.GlobalAverage)
        {
            flattenInput = OwnPrefix + "pooled";
            graph.Node.Add(new NodeProto { OpType = "GlobalAveragePool", Name = OwnPrefix + "pool", Input = { layerTensor }, Output = { flattenInput } });
        }

        var flatten = new NodeProto { OpType = "Flatten", Name = OwnPrefix + "flatten", Input = { flattenInput }, Output = { Features.PixelGraph.FeaturesName } };
        flatten.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(flatten);

        // One pass on a zero image, with the layer as a second output, measures D and the layer's shape.
        graph.Output.Add(new ValueInfoProto { Name = Features.PixelGraph.FeaturesName, Type = OnnxProtos.FloatType(null) });
        graph.Output.Add(new ValueInfoProto { Name = layerTensor, Type = OnnxProtos.FloatType(null) });
        var (featureShape, layerShape) = Measure(model.ToByteArray(), networkName, width, height, layer, preprocessing);
        if (featureShape.Length != 2 || featureShape[0] != 1 || layerShape.Length < 1 || layerShape[0] != 1)
        {
            throw new OnnxGraphEditException(
                $"{networkName}: layer '{layer ?? netOutput}' gives [{string.Join(", ", layerShape)}] for one image; a feature layer needs the batch as its first dimension");
        }

        if (pooling == FeaturePooling.GlobalAverage && layerShape.Length != 4)
        {
            throw new OnnxGraphEditException(
                $"{networkName}: layer '{layer ?? netOutput}' output is [{string.Join(", ", layerShape)}]; global average pooling needs [N, C, H, W]");
        }

        int featureSize = checked((int)featureShape[1]);
        graph.Output.RemoveAt(1);
        graph.Output[0] = OnnxProtos.TensorInfo(Features.PixelGraph.FeaturesName, ["N", featureSize]);
        var perImage = layerShape[1..];
        model.MetadataProps.Add(new StringStringEntryProto { Key = FeatureSizeKey, Value = featureSize.ToString(CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = LayerShapeKey, Value = string.Join(',', perImage) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = DescriptionKey, Value = description });
        return new Result(model.ToByteArray(), featureSize, perImage);
    }

    /// <summary>
    /// Reads D and the layer shape back from a pixel graph's metadata without parsing its graph
    /// (the weights are most of the file); null when the file has no such metadata.
    /// </summary>
    public static (int FeatureSize, int[] LayerShape)? ReadMetadata(string path)
    {
        var props = ReadProps(path);
        if (props is null)
        {
            return null;
        }

        props.TryGetValue(FeatureSizeKey, out var size);
        props.TryGetValue(LayerShapeKey, out var shape);
        if (size is null || shape is null || !int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d <= 0)
        {
            return null;
        }

        var dims = shape.Length == 0 ? [] : shape.Split(',').Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();
        return Array.Exists(dims, v => v <= 0) ? null : (d, dims);
    }

    /// <summary>
    /// The channel order of a pixel graph's input planes, as its description records it (the
    /// "preprocessing" line, <see cref="Models.Preprocessing.Describe"/>); null when the file has no such record.
    /// </summary>
    public static ChannelOrder? ReadChannelOrder(string path)
    {
        if (ReadProps(path) is not { } props || !props.TryGetValue(DescriptionKey, out var description))
        {
            return null;
        }

        // e.g. "preprocessing 224x224 RGB NCHW, (pixel - [0 0 0]) * 0.003921569"
        var line = description.Split('\n').FirstOrDefault(l => l.StartsWith("preprocessing ", StringComparison.Ordinal));
        var words = line?.Split(' ');
        return words is { Length: > 2 } && Enum.TryParse<ChannelOrder>(words[2], ignoreCase: true, out var order) && Enum.IsDefined(order)
            ? order
            : null;
    }

    /// <summary>The metadata_props of an ONNX file, read without parsing its graph; null when it is not a protobuf.</summary>
    private static Dictionary<string, string>? ReadProps(string path)
    {
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var input = new CodedInputStream(stream);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == ModelProto.MetadataPropsFieldNumber && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    var entry = new StringStringEntryProto();
                    input.ReadMessage(entry);
                    props[entry.Key] = entry.Value;
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // Not a protobuf (e.g. a truncated or foreign file under this name): not the graph.
            return null;
        }

        return props;
    }

    /// <summary>The graph's one input that is not an initializer.</summary>
    private static string RealInput(GraphProto graph, string modelName)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new OnnxGraphEditException($"{modelName}: expected one image input, the graph has {inputs.Count} ({string.Join(", ", inputs.Select(i => i.Name))})");
        }

        if (inputs[0].Type?.TensorType is { } tensor && tensor.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            throw new OnnxGraphEditException($"{modelName}: input '{inputs[0].Name}' is of ONNX type {tensor.ElemType}, expected float");
        }

        return inputs[0].Name;
    }

    /// <summary>The default-domain opsets must agree: an operator's meaning can change between versions (Split's "split", BatchNormalization's "spatial").</summary>
    private static void CheckOpsets(ModelProto prep, string prepName, ModelProto net, string networkName)
    {
        static long Default(ModelProto m) => m.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0;
        if (Default(prep) != Default(net))
        {
            throw new OnnxGraphEditException(
                $"{prepName}: opset {Default(prep)} differs from {Path.GetFileName(networkName)}'s opset {Default(net)}; a preprocessing graph must use the network's opset");
        }

        if (prep.OpsetImport.Any(o => o.Domain is not ("" or "ai.onnx")))
        {
            throw new OnnxGraphEditException($"{prepName}: a preprocessing graph may use standard ONNX operators only");
        }
    }

    /// <summary>Copies <paramref name="source"/>'s nodes and initializers into <paramref name="target"/> with every name mapped by <paramref name="rename"/>.</summary>
    private static void Append(GraphProto target, GraphProto source, Func<string, string> rename)
    {
        string Map(string name) => name.Length == 0 ? name : rename(name);
        foreach (var node in source.Node)
        {
            var copy = node.Clone();
            RenameNode(copy, Map);
            target.Node.Add(copy);
        }

        foreach (var initializer in source.Initializer)
        {
            var copy = initializer.Clone();
            copy.Name = Map(copy.Name);
            target.Initializer.Add(copy);
        }

        foreach (var sparse in source.SparseInitializer)
        {
            var copy = sparse.Clone();
            copy.Values.Name = Map(copy.Values.Name);
            target.SparseInitializer.Add(copy);
        }
    }

    /// <summary>Renames a node, its inputs and outputs, and everything inside its subgraphs (one mapping for all, so references stay consistent).</summary>
    private static void RenameNode(NodeProto node, Func<string, string> map)
    {
        node.Name = node.Name.Length == 0 ? node.Name : map(node.Name);
        for (var i = 0; i < node.Input.Count; i++)
        {
            node.Input[i] = map(node.Input[i]);
        }

        for (var i = 0; i < node.Output.Count; i++)
        {
            node.Output[i] = map(node.Output[i]);
        }

        foreach (var attribute in node.Attribute)
        {
            foreach (var sub in attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G))
            {
                foreach (var inner in sub.Node)
                {
                    RenameNode(inner, map);
                }

                foreach (var info in sub.Input.Concat(sub.Output).Concat(sub.ValueInfo))
                {
                    info.Name = map(info.Name);
                }

                foreach (var initializer in sub.Initializer)
                {
                    initializer.Name = map(initializer.Name);
                }
            }
        }
    }

    /// <summary>Mul and Add by the per-channel affine transform (skipped where it is the identity), then a Transpose for NHWC; returns the tensor that feeds the network.</summary>
    private static string AddAffine(GraphProto graph, Preprocessing p)
    {
        var multipliers = new float[3];
        var offsets = new float[3];
        for (var c = 0; c < 3; c++)
        {
            // The very floats InputTensor.Convert uses, so the old and new paths compute the same values.
            (multipliers[c], offsets[c]) = p.ChannelAffine(c);
        }

        var current = Features.PixelGraph.PixelsName;
        if (Array.Exists(multipliers, m => m != 1f))
        {
            graph.Initializer.Add(Constant(OwnPrefix + "multiplier", multipliers));
            graph.Node.Add(new NodeProto { OpType = "Mul", Name = OwnPrefix + "scale", Input = { current, OwnPrefix + "multiplier" }, Output = { OwnPrefix + "scaled" } });
            current = OwnPrefix + "scaled";
        }

        if (Array.Exists(offsets, o => o != 0f))
        {
            graph.Initializer.Add(Constant(OwnPrefix + "offset", offsets));
            graph.Node.Add(new NodeProto { OpType = "Add", Name = OwnPrefix + "shift", Input = { current, OwnPrefix + "offset" }, Output = { OwnPrefix + "shifted" } });
            current = OwnPrefix + "shifted";
        }

        if (p.Layout == TensorLayout.Nhwc)
        {
            var transpose = new NodeProto { OpType = "Transpose", Name = OwnPrefix + "to_nhwc", Input = { current }, Output = { OwnPrefix + "nhwc" } };
            transpose.Attribute.Add(new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 2, 3, 1 } });
            graph.Node.Add(transpose);
            current = OwnPrefix + "nhwc";
        }

        return current;
    }

    /// <summary>A float [1, 3, 1, 1] initializer (broadcasts over N, H, W).</summary>
    private static TensorProto Constant(string name, float[] values) => OnnxProtos.Floats(name, values, 1, 3, 1, 1);

    /// <summary>Runs <paramref name="model"/> once on a zero image; returns the shapes of its outputs (features, and the layer when it is the second; else empty).</summary>
    internal static (long[] Features, int[] Layer) Measure(byte[] model, string networkName, int width, int height, string? layer, Preprocessing preprocessing)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            using var session = new InferenceSession(model, options);
            var input = new float[3 * width * height];
            using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, height, width]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [Features.PixelGraph.PixelsName], [value], session.OutputNames);
            var features = results[0].GetTensorTypeAndShape().Shape;
            // A finished pixel graph has no layer output (only the one being built does).
            var layerShape = results.Count > 1 ? Array.ConvertAll(results[1].GetTensorTypeAndShape().Shape, d => checked((int)d)) : [];
            return (features, layerShape);
        }
        catch (OnnxRuntimeException e)
        {
            var message = e.Message.Split('\n')[0];
            throw new OnnxGraphEditException(
                $"{networkName}: cannot run to layer '{layer ?? "<last>"}' with a {preprocessing.Describe()} input: {message}", e);
        }
    }
}
