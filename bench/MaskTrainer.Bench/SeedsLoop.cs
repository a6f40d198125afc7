using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Models;
using Microsoft.ML;
using Microsoft.ML.Data;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Bench;

/// <summary>
/// The seeds' detector loop, reproduced inside the bench as the baseline of
/// <see cref="DetectorAppBenchmark"/>: one thread of control, per frame read → res10 (OpenCV DNN,
/// blobFromImage 300x300, mean (104, 177, 123)) → for every face a crop (the model's own crop
/// options, as our app cuts it) → the model's backbone in OpenCV DNN (its pixel graph, the same
/// ONNX graph the saved ML.NET model runs: blobFromImage gives it raw planar pixels) → the saved
/// model's head (its ML.NET head transformer, through a PredictionEngine on the feature vector) →
/// boxes and labels drawn → VideoWriter (mp4v). No tracking (every face classified in every frame),
/// no pipeline threads; OpenCV's own intra-op threads are left at their default, as the seeds did.
/// </summary>
internal sealed class SeedsLoop : IDisposable
{
    private const float FaceThreshold = 0.5f;

    private readonly Net _detector;
    private readonly Net _backbone;
    private readonly MaskModel _model;
    private readonly PixelGraph _graph;
    private readonly PredictionEngine<FeatureInput, ModelOutput> _head;
    private readonly FeatureInput _input = new();
    private readonly Mat[] _detections = [new Mat()];
    private readonly Mat[] _features = [new Mat()];

    public SeedsLoop(string modelZip, ModelStore store)
    {
        _model = MaskModel.Load(modelZip);
        var res10 = ModelCatalog.Default.Get(Res10SsdDetector.ModelId);
        _detector = CvDnn.ReadNetFromTensorflow(store.GetFilePath(res10, res10.Files[0].Name), store.GetFilePath(res10, res10.Files[1].Name))
            ?? throw new InvalidOperationException("OpenCV could not read res10");
        using (var featurizer = ModelBackbone.OpenFeaturizer(_model, store))
        {
            _graph = featurizer.Graph;
        }

        // The seeds ran a float network in OpenCV's DNN, which cannot run an 8-bit (QDQ) graph: for a
        // model on an 8-bit backbone the loop runs the float graph of the same network, the seeds' work.
        // Its features differ slightly from the model's (cosine 0.991 on average), which only matters for labels.
        if (ModelCatalog.Default.TryGet(_model.Metadata.Backbone.Id, out var spec) && spec.Int8Ranges is not null)
        {
            using var floats = BackboneFeaturizer.Create(spec with { Int8Ranges = null }, store);
            _graph = floats.Graph;
        }

        // The pixel graph as OpenCV 4.13 can parse it (default-valued pooling attributes dropped, nothing else).
        _backbone = CvDnn.ReadNetFromOnnx(FeaturizationLoops.OpenCvReadable(_graph, Path.Combine(Path.GetTempPath(), "masktrainer-bench-opencv")))
            ?? throw new InvalidOperationException($"OpenCV could not read the pixel graph of {_model.Metadata.Backbone.Id}");
        var schema = SchemaDefinition.Create(typeof(FeatureInput));
        schema[FeatureDataView.Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _graph.FeatureSize);
        // OwnsTransformer false: ML.NET 6's engine would otherwise dispose the model's head with itself.
        _head = _model.Context.Model.CreatePredictionEngine<FeatureInput, ModelOutput>(_model.Head,
            new PredictionEngineOptions { InputSchemaDefinition = schema, OwnsTransformer = false });
        _input.Features = new float[_graph.FeatureSize];
    }

    /// <summary>Runs the whole video (or <paramref name="maxFrames"/>), writing <paramref name="output"/>; returns FPS and latencies.</summary>
    public LoopFigures Run(string video, string output, int maxFrames = int.MaxValue)
    {
        using var capture = VideoIo.OpenFile(video);
        double fps = capture.Fps > 0 ? capture.Fps : 25;
        VideoWriter? writer = null;
        using var frame = new Mat();
        var latencies = new List<double>();
        var prediction = new ModelOutput();
        long first = 0, last = 0, faces = 0;
        try
        {
            while (latencies.Count < maxFrames)
            {
                long start = Stopwatch.GetTimestamp();
                if (!capture.Read(frame) || frame.IsEmpty)
                {
                    break;
                }

                foreach (var (box, score) in DetectFaces(frame))
                {
                    Classify(frame, box, ref prediction);
                    float best = prediction.Score.Max();
                    var colour = prediction.PredictedLabel.Contains("without", StringComparison.OrdinalIgnoreCase) ? new Scalar(0, 0, 255) : new Scalar(0, 255, 0);
                    Cv2.Rectangle(frame, box, colour, 2);
                    Cv2.PutText(frame, string.Create(CultureInfo.InvariantCulture, $"{prediction.PredictedLabel} {best:P0} ({score:0.00})"),
                        new Point(box.X, Math.Max(12, box.Y - 6)), HersheyFonts.HersheySimplex, 0.5, colour, 1);
                    faces++;
                }

                // OpenCV's own writer, as the seeds used it (our app wraps it with size checks).
                writer ??= new VideoWriter(output, FourCC.FromString("mp4v"), fps, frame.Size());
                if (!writer.IsOpened())
                {
                    throw new InvalidOperationException($"{output}: OpenCV cannot write mp4v");
                }

                writer.Write(frame);
                long done = Stopwatch.GetTimestamp();
                first = latencies.Count == 0 ? start : first;
                last = done;
                latencies.Add(Stopwatch.GetElapsedTime(start, done).TotalMilliseconds);
            }
        }
        finally
        {
            writer?.Dispose();
        }

        return LoopFigures.From(latencies, Stopwatch.GetElapsedTime(first, last).TotalSeconds, faces);
    }

    public void Dispose()
    {
        _detector.Dispose();
        _backbone.Dispose();
        _head.Dispose();
        _model.Dispose();
        _detections[0].Dispose();
        _features[0].Dispose();
    }

    private List<(Rect Box, float Score)> DetectFaces(Mat frame)
    {
        using (var blob = CvDnn.BlobFromImage(frame, 1.0, new Size(300, 300), new Scalar(104, 177, 123), swapRB: false, crop: false))
        {
            _detector.SetInput(blob);
            _detector.Forward(_detections, "detection_out");
        }

        var rows = _detections[0].GetFloats();
        var found = new List<(Rect, float)>();
        int w = frame.Cols, h = frame.Rows;
        for (int i = 0; i + 7 <= rows.Length; i += 7)
        {
            if (rows[i + 2] < FaceThreshold)
            {
                continue;
            }

            var box = Rect.FromLTRB((int)(rows[i + 3] * w), (int)(rows[i + 4] * h), (int)(rows[i + 5] * w), (int)(rows[i + 6] * h))
                .Intersect(new Rect(0, 0, w, h));
            if (box.Width > 1 && box.Height > 1)
            {
                found.Add((box, rows[i + 2]));
            }
        }

        return found;
    }

    private void Classify(Mat frame, Rect box, ref ModelOutput output)
    {
        using var crop = FaceCropper.Crop(frame, box, _model.FaceCrop.CropOptions);
        // Raw planar pixels in the graph's channel order, resized bilinearly: what the pixel graph takes.
        using (var blob = CvDnn.BlobFromImage(crop, 1.0, new Size(_graph.InputWidth, _graph.InputHeight),
            new Scalar(0, 0, 0), swapRB: _graph.ChannelOrder == ChannelOrder.Rgb, crop: false))
        {
            _backbone.SetInput(blob, _graph.InputName);
            _backbone.Forward(_features, _graph.OutputName);
        }

        _features[0].GetFloats()[.._graph.FeatureSize].CopyTo(_input.Features);
        _head.Predict(_input, ref output);
    }

    /// <summary>One feature vector for the head (its input columns: Label is only mapped, not needed to predict).</summary>
    private sealed class FeatureInput
    {
        public string Label { get; set; } = "";

        public float[] Features { get; set; } = [];
    }
}

/// <summary>Frames, FPS (frames over the time from the first read to the last write) and frame latency percentiles.</summary>
internal sealed record LoopFigures(long Frames, double Fps, double P50, double P95, long Faces)
{
    public static LoopFigures From(List<double> latencies, double seconds, long faces)
    {
        var sorted = latencies.Order().ToArray();
        double Percentile(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new LoopFigures(sorted.Length, seconds > 0 ? sorted.Length / seconds : 0, Percentile(0.50), Percentile(0.95), faces);
    }
}
