using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using Onnx;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Faces;

/// <summary>
/// res10 as an ONNX graph for ONNX Runtime, made once from the catalog's TensorFlow files and
/// cached (store cache, <c>graphs/</c>, named by both files' SHA-256 and the converter version).
/// OpenCV's DNN ran res10 at about 30 frames/s on this 2-core machine and capped every loop that
/// detects on each frame; ORT runs the same weights faster (see docs/detector.md).
/// <list type="bullet">
/// <item>The network: <see cref="TensorFlowToOnnx"/> on the .pb (8-bit weights dequantized).</item>
/// <item>The SSD head OpenCV adds from the .pbtxt (PriorBox, DetectionOutput) is rebuilt in
/// ONNX: the priors are OpenCV's own, read once from its <c>mbox_priorbox</c> layer, so they
/// cannot drift from the reference; the box decoding (CENTER_SIZE with the priors' variances)
/// is a few element-wise nodes. NMS stays in C# (<see cref="FaceCandidates"/>), as for every
/// detector.</item>
/// </list>
/// Input <c>data</c> float [N, 3, H, W] at the catalog's input size (300x300; BGR, mean subtracted, as before); outputs
/// <c>boxes</c> [N, P, 4] (x1, y1, x2, y2 in 0..1 of the input) and <c>scores</c> [N, P] (face).
/// </summary>
public static class Res10OnnxGraph
{
    /// <summary>Input name.</summary>
    public const string InputName = "data";

    /// <summary>Output 0: decoded boxes.</summary>
    public const string BoxesName = "boxes";

    /// <summary>Output 1: face scores.</summary>
    public const string ScoresName = "scores";

    // Part of the cache key: bump it whenever the conversion changes.
    private const string Version = "1";

    /// <summary>
    /// The cached ONNX graph for <paramref name="spec"/>'s pair of files (<paramref name="modelPath"/>
    /// .pb, <paramref name="configPath"/> .pbtxt), made now when missing, at the input size of the
    /// spec's preprocessing. The files are checked against the spec's SHA-256s before they are converted.
    /// </summary>
    /// <exception cref="OnnxGraphEditException">The files do not match, or cannot be converted.</exception>
    public static string Prepare(ModelSpec spec, string modelPath, string configPath, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(configPath);
        var input = spec.Preprocessing ?? throw new OnnxGraphEditException($"model '{spec.Id}' has no preprocessing");
        string[] sha256s = [spec.Files[0].Sha256, spec.Files[1].Sha256];
        var description = $"res10-onnx v{Version}\n{sha256s[0]}\n{sha256s[1]}\nopset {TensorFlowToOnnx.Opset}\ninput {input.InputWidth}x{input.InputHeight}\n";
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)).AsSpan(0, 8));
        var target = Path.Combine(FeatureGraphs.CacheDirectory(cacheDirectory), $"{Path.GetFileNameWithoutExtension(modelPath)}.{sha256s[0][..16]}.onnx-{key}.onnx");
        if (GraphCache.IsIntact(target))
        {
            // The name holds the sources' hashes and the converter version, and the bytes are the ones written: this graph.
            return target;
        }

        var pb = FeatureGraphs.ReadChecked(modelPath, sha256s[0]);
        _ = FeatureGraphs.ReadChecked(configPath, sha256s[1]);
        var model = Build(pb, modelPath, input.InputWidth, input.InputHeight, Priors(modelPath, configPath, input.InputWidth, input.InputHeight));
        GraphCache.Write(target, model.ToByteArray());
        return target;
    }

    /// <summary>The converted network at a <paramref name="width"/> x <paramref name="height"/> input, plus the SSD box decoding.</summary>
    internal static ModelProto Build(byte[] pb, string source, int width, int height, float[] priors)
    {
        var tf = TensorFlowGraph.Parse(pb, source);
        var graph = TensorFlowToOnnx.Convert(tf, source, InputName, 3, height, width, ["mbox_loc", "mbox_conf_flatten"]);
        string loc = graph.Output[0].Name, conf = graph.Output[1].Name;
        graph.Output.Clear();
        int count = priors.Length / 8;

        // priors = [P×4 corners | P×4 variances], as OpenCV's PriorBox concat gives them.
        var centre = new float[count * 2];
        var size = new float[count * 2];
        var locScale = new float[count * 2];
        var sizeVariance = new float[count * 2];
        for (var p = 0; p < count; p++)
        {
            float x1 = priors[p * 4], y1 = priors[p * 4 + 1], x2 = priors[p * 4 + 2], y2 = priors[p * 4 + 3];
            int v = count * 4 + p * 4;
            centre[p * 2] = (x1 + x2) / 2;
            centre[p * 2 + 1] = (y1 + y2) / 2;
            size[p * 2] = x2 - x1;
            size[p * 2 + 1] = y2 - y1;
            locScale[p * 2] = priors[v] * size[p * 2];
            locScale[p * 2 + 1] = priors[v + 1] * size[p * 2 + 1];
            sizeVariance[p * 2] = priors[v + 2];
            sizeVariance[p * 2 + 1] = priors[v + 3];
        }

        var b = new Builder(graph);
        var loc3 = b.Op("Reshape", [loc, b.Ints("ssd/loc_shape", [0, count, 4])]);
        var xy = b.Op("Slice", [loc3, b.Ints("ssd/s0", [0]), b.Ints("ssd/s2", [2]), b.Ints("ssd/axis", [2])]);
        var wh = b.Op("Slice", [loc3, b.Ints("ssd/s2b", [2]), b.Ints("ssd/s4", [4]), b.Ints("ssd/axisb", [2])]);
        var centres = b.Op("Add", [b.Op("Mul", [xy, b.Floats("ssd/loc_scale", locScale, [count, 2])]), b.Floats("ssd/prior_centre", centre, [count, 2])]);
        var sizes = b.Op("Mul", [b.Op("Exp", [b.Op("Mul", [wh, b.Floats("ssd/size_variance", sizeVariance, [count, 2])])]), b.Floats("ssd/prior_size", size, [count, 2])]);
        var half = b.Op("Mul", [sizes, b.Floats("ssd/half", [0.5f], [])]);
        var boxes = b.Op("Concat", [b.Op("Sub", [centres, half]), b.Op("Add", [centres, half])], BoxesName);
        graph.Node[^1].Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 2 });
        var conf3 = b.Op("Reshape", [conf, b.Ints("ssd/conf_shape", [0, count, 2])]);
        var face = b.Op("Slice", [conf3, b.Ints("ssd/c1", [1]), b.Ints("ssd/c2", [2]), b.Ints("ssd/axisc", [2])]);
        var scores = b.Op("Reshape", [face, b.Ints("ssd/score_shape", [0, count])], ScoresName);
        graph.Output.Add(OnnxProtos.TensorInfo(boxes, "N", count, 4));
        graph.Output.Add(OnnxProtos.TensorInfo(scores, "N", count));

        var model = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "MaskTrainer",
            DocString = "OpenCV's res10 SSD face detector converted from its TensorFlow graph by MaskTrainer.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = TensorFlowToOnnx.Opset });
        return model;
    }

    /// <summary>OpenCV's priors for the input size: [P×4 corners, P×4 variances].</summary>
    private static float[] Priors(string modelPath, string configPath, int width, int height)
    {
        try
        {
            using var net = CvDnn.ReadNetFromTensorflow(modelPath, configPath)
                ?? throw new OnnxGraphEditException($"{modelPath}: OpenCV could not read the res10 graph");
            using var blob = new Mat([1, 3, height, width], MatType.CV_32FC1, Scalar.All(0));
            net.SetInput(blob);
            using var priors = net.Forward("mbox_priorbox");
            return priors.GetFloats().ToArray();
        }
        catch (OpenCVException e)
        {
            throw new OnnxGraphEditException($"{modelPath}: OpenCV could not compute res10's priors: {e.Message}", e);
        }
    }

    private sealed class Builder(GraphProto graph)
    {
        private int _next;

        public string Op(string op, string[] inputs, string? output = null)
        {
            output ??= $"ssd/{op.ToLowerInvariant()}_{_next++}";
            var node = new NodeProto { OpType = op, Name = output };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            graph.Node.Add(node);
            return output;
        }

        public string Ints(string name, long[] values)
        {
            graph.Initializer.Add(OnnxProtos.Int64s(name, values));
            return name;
        }

        public string Floats(string name, float[] values, long[] shape)
        {
            graph.Initializer.Add(OnnxProtos.Floats(name, values, shape));
            return name;
        }
    }
}
