using MaskTrainer.Features;
using MaskTrainer.Imaging;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Bench;

/// <summary>
/// The two reference loops of <see cref="FeaturizationBenchmark"/>. Both run the backbone's pixel
/// graph (<see cref="PixelGraph"/>: raw planar pixels in, features out — the very file our
/// <see cref="BackboneFeaturizer"/> and the saved ML.NET model run) and fill their input with
/// <see cref="InputTensor.WritePixels"/> from the same pre-made images as our featurizer, so the
/// three loops differ only in the engine and the batching around it.
/// </summary>
internal static class FeaturizationLoops
{
    /// <summary>
    /// A bare batched ONNX Runtime loop: one InferenceSession on the pixel graph file, fixed batch,
    /// ORT's own session defaults but the thread counts, ORT allocating the outputs ([N, D]
    /// features, nothing to pool). Nothing of ours but the tensor filling.
    /// </summary>
    internal sealed class BareOrt : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly PixelGraph _graph;
        private readonly int _batch;
        private readonly float[] _input;
        private readonly RunOptions _runOptions = new();

        public BareOrt(PixelGraph graph, int batch, int threads)
        {
            _graph = graph;
            _batch = batch;
            using var options = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            _session = new InferenceSession(graph.Path, options);
            _input = new float[batch * graph.ElementsPerImage];
        }

        /// <summary>Features of every image into <paramref name="output"/> (FeatureSize floats per image).</summary>
        public void Run(IReadOnlyList<Mat> images, float[] output)
        {
            int per = _graph.ElementsPerImage, dim = _graph.FeatureSize;
            for (int start = 0; start < images.Count; start += _batch)
            {
                int n = Math.Min(_batch, images.Count - start);
                for (int i = 0; i < n; i++)
                {
                    InputTensor.WritePixels(images[start + i], _graph, _input.AsSpan(i * per, per));
                }

                using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, n * per),
                    [n, 3, _graph.InputHeight, _graph.InputWidth]);
                using var results = _session.Run(_runOptions, [_graph.InputName], [value], [_graph.OutputName]);
                results[0].GetTensorDataAsSpan<float>()[..(n * dim)].CopyTo(output.AsSpan(start * dim, n * dim));
            }
        }

        public void Dispose()
        {
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    /// <summary>
    /// A copy of <paramref name="graph"/>'s file that OpenCV's ONNX importer can read, in
    /// <paramref name="directory"/> (rewritten on every call): OpenCV 4.13 refuses the pooling attributes
    /// MaxPool <c>storage_order</c> and AveragePool <c>count_include_pad</c> (ResNet18's CNTK export
    /// writes both), so where they hold 0 — their ONNX default — they are dropped; nothing else
    /// changes. Returns the file itself when there is nothing to drop.
    /// </summary>
    public static string OpenCvReadable(PixelGraph graph, string directory)
    {
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(graph.Path));
        int dropped = 0;
        foreach (var node in model.Graph.Node)
        {
            string? name = node.OpType switch { "MaxPool" => "storage_order", "AveragePool" => "count_include_pad", _ => null };
            var attribute = name is null ? null : node.Attribute.FirstOrDefault(a => a.Name == name);
            if (attribute is not null && attribute.I == 0)
            {
                node.Attribute.Remove(attribute);
                dropped++;
            }
        }

        if (dropped == 0)
        {
            return graph.Path;
        }

        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, Path.GetFileNameWithoutExtension(graph.Path) + ".opencv.onnx");
        string temp = path + "." + Environment.ProcessId + ".tmp";
        using (var stream = File.Create(temp))
        {
            using var output = new Google.Protobuf.CodedOutputStream(stream);
            model.WriteTo(output);
        }

        File.Move(temp, path, overwrite: true);

        return path;
    }

    /// <summary>
    /// OpenCV's DNN (through OpenCvSharp) on the same pixel graph (the <see cref="OpenCvReadable"/>
    /// copy), one image at a time (batch 1, as the OpenCV-era featurizer ran).
    /// </summary>
    internal sealed class OpenCvDnn : IDisposable
    {
        private readonly Net _net;
        private readonly PixelGraph _graph;
        private readonly Mat _blob;
        private readonly Mat[] _outputs = [new Mat()];

        public OpenCvDnn(PixelGraph graph, string? path = null)
        {
            path ??= graph.Path;
            _net = CvDnn.ReadNetFromOnnx(path) ?? throw new InvalidOperationException($"{path}: OpenCV could not read it");
            _graph = graph;
            _blob = new Mat([1, 3, graph.InputHeight, graph.InputWidth], MatType.CV_32FC1);
        }

        public void Run(IReadOnlyList<Mat> images, float[] output)
        {
            int dim = _graph.FeatureSize;
            for (int i = 0; i < images.Count; i++)
            {
                // The blob exactly as InputTensor.WritePixels builds ORT's input: same values in, only the engine differs.
                InputTensor.WritePixels(images[i], _graph, _blob.GetFloats());
                _net.SetInput(_blob, _graph.InputName);
                _net.Forward(_outputs, [_graph.OutputName]);
                _outputs[0].GetFloats()[..dim].CopyTo(output.AsSpan(i * dim, dim));
            }
        }

        public void Dispose()
        {
            _net.Dispose();
            _blob.Dispose();
            _outputs[0].Dispose();
        }
    }
}
