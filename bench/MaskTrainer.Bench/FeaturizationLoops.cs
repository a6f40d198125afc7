using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Bench;

/// <summary>
/// The two reference loops of <see cref="FeaturizationBenchmark"/>. Both fill their input with
/// <see cref="InputTensor.Write"/> from the same pre-resized images as our featurizer, so the
/// three loops differ only in the engine and the batching around it.
/// </summary>
internal static class FeaturizationLoops
{
    /// <summary>
    /// A bare batched ONNX Runtime loop: one InferenceSession on the same edited graph our
    /// featurizer loads (cut at the feature layer, batch symbolic), fixed batch, ORT allocating
    /// the outputs, then global average pooling. Nothing of ours but the tensor filling.
    /// </summary>
    internal sealed class BareOrt : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly Preprocessing _p;
        private readonly string _inputName;
        private readonly int _batch;
        private readonly float[] _input;
        private readonly RunOptions _runOptions = new();

        public BareOrt(string modelPath, string layer, Preprocessing preprocessing, int batch, int threads)
        {
            _p = preprocessing;
            _batch = batch;
            using var options = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            _session = new InferenceSession(FeatureGraphs.Prepare(modelPath, layer), options);
            _inputName = _session.InputMetadata.Keys.Single();
            _input = new float[batch * InputTensor.ElementsPerImage(preprocessing)];
        }

        /// <summary>Features of every image into <paramref name="output"/> (featureSize floats per image).</summary>
        public void Run(IReadOnlyList<Mat> images, float[] output, int featureSize)
        {
            int per = InputTensor.ElementsPerImage(_p);
            for (int start = 0; start < images.Count; start += _batch)
            {
                int n = Math.Min(_batch, images.Count - start);
                for (int i = 0; i < n; i++)
                {
                    InputTensor.Write(images[start + i], _p, _input.AsSpan(i * per, per));
                }

                using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, n * per),
                    Array.ConvertAll(InputTensor.Shape(_p, n), d => (long)d));
                using var results = _session.Run(_runOptions, [_inputName], [value], _session.OutputNames);
                GlobalAverage(results[0].GetTensorDataAsSpan<float>(), n * featureSize, output.AsSpan(start * featureSize, n * featureSize));
            }
        }

        public void Dispose()
        {
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    /// <summary>
    /// The old path: OpenCV's DNN (through OpenCvSharp) on the original ONNX file, forward to the
    /// feature layer one image at a time (batch 1, as the OpenCV-era featurizer ran), then
    /// global average pooling.
    /// </summary>
    internal sealed class OpenCvDnn : IDisposable
    {
        private readonly Net _net;
        private readonly Preprocessing _p;
        private readonly string _layer;
        private readonly Mat _blob;
        private readonly Mat[] _outputs = [new Mat()];

        public OpenCvDnn(string modelPath, string layer, Preprocessing preprocessing)
        {
            _net = CvDnn.ReadNetFromOnnx(modelPath) ?? throw new InvalidOperationException($"{modelPath}: OpenCV could not read it");
            _p = preprocessing;
            _layer = layer;
            _blob = new Mat(InputTensor.Shape(preprocessing, 1), MatType.CV_32FC1);
        }

        public void Run(IReadOnlyList<Mat> images, float[] output, int featureSize)
        {
            for (int i = 0; i < images.Count; i++)
            {
                // The blob exactly as InputTensor.Write builds ORT's input: same bytes in, only the engine differs.
                InputTensor.Write(images[i], _p, _blob.GetFloats());
                _net.SetInput(_blob);
                _net.Forward(_outputs, _layer);
                GlobalAverage(_outputs[0].GetFloats(), featureSize, output.AsSpan(i * featureSize, featureSize));
            }
        }

        public void Dispose()
        {
            _net.Dispose();
            _blob.Dispose();
            _outputs[0].Dispose();
        }
    }

    /// <summary>Mean of each of <paramref name="rows"/> equal slices of an [N, C, H, W] tensor (N·C rows).</summary>
    private static void GlobalAverage(ReadOnlySpan<float> raw, int rows, Span<float> output)
    {
        int area = raw.Length / rows;
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            foreach (float v in raw.Slice(r * area, area))
            {
                sum += v;
            }

            output[r] = (float)(sum / area);
        }
    }
}
