using System.Diagnostics;
using System.Globalization;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Bench;

/// <summary>
/// The seeds' detector loop, reproduced inside the bench as the baseline of
/// <see cref="DetectorAppBenchmark"/>: one thread of control, per frame read → res10 (OpenCV DNN,
/// blobFromImage 300x300, mean (104, 177, 123)) → for every face a crop (the model's own crop
/// options, as our app cuts it) → the backbone in OpenCV DNN to the feature layer → global
/// average pooling → the saved model's head → boxes and labels drawn → VideoWriter (mp4v).
/// No tracking (every face classified in every frame), no pipeline threads; OpenCV's own
/// intra-op threads are left at their default, as the seeds did.
/// </summary>
internal sealed class SeedsLoop : IDisposable
{
    private const float FaceThreshold = 0.5f;

    private readonly Net _detector;
    private readonly Net _backbone;
    private readonly MaskClassifier _model;
    private readonly Preprocessing _p;
    private readonly string _layer;
    private readonly bool _pool;
    private readonly Mat[] _detections = [new Mat()];
    private readonly Mat[] _features = [new Mat()];

    public SeedsLoop(string modelZip, ModelStore store)
    {
        _model = MaskClassifier.Load(modelZip, store);
        var res10 = ModelCatalog.Default.Get(Res10SsdDetector.ModelId);
        _detector = CvDnn.ReadNetFromTensorflow(store.GetFilePath(res10, res10.Files[0].Name), store.GetFilePath(res10, res10.Files[1].Name))
            ?? throw new InvalidOperationException("OpenCV could not read res10");
        var backbone = _model.Backbone;
        if (backbone.Format != ModelFormat.Onnx || backbone.Files.Count != 1)
        {
            throw new InvalidOperationException($"the seeds' loop runs an ONNX backbone; the model's is {backbone.Id} ({backbone.Format})");
        }

        _p = backbone.Preprocessing ?? throw new InvalidOperationException($"{backbone.Id} has no preprocessing");
        if (_p.Std is not null || _p.Layout != TensorLayout.Nchw)
        {
            throw new InvalidOperationException($"{backbone.Id}: blobFromImage cannot do per-channel std or NHWC ({_p.Describe()})");
        }

        _backbone = CvDnn.ReadNetFromOnnx(_model.BackboneFiles[backbone.Files[0].Name])
            ?? throw new InvalidOperationException($"OpenCV could not read {backbone.Id}");
        _layer = backbone.FeatureLayer ?? "";
        _pool = backbone.FeaturePooling == FeaturePooling.GlobalAverage;
    }

    /// <summary>Runs the whole video (or <paramref name="maxFrames"/>), writing <paramref name="output"/>; returns FPS and latencies.</summary>
    public LoopFigures Run(string video, string output, int maxFrames = int.MaxValue)
    {
        using var capture = VideoIo.OpenFile(video);
        double fps = capture.Fps > 0 ? capture.Fps : 25;
        VideoWriter? writer = null;
        using var frame = new Mat();
        var latencies = new List<double>();
        var probabilities = new float[_model.Labels.Count];
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
                    Classify(frame, box, probabilities);
                    int best = probabilities.AsSpan().IndexOf(probabilities.Max());
                    var colour = _model.Labels[best].Contains("without", StringComparison.OrdinalIgnoreCase) ? new Scalar(0, 0, 255) : new Scalar(0, 255, 0);
                    Cv2.Rectangle(frame, box, colour, 2);
                    Cv2.PutText(frame, string.Create(CultureInfo.InvariantCulture, $"{_model.Labels[best]} {probabilities[best]:P0} ({score:0.00})"),
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

    private void Classify(Mat frame, Rect box, float[] probabilities)
    {
        using var crop = FaceCropper.Crop(frame, box, _model.CropOptions);
        using (var blob = CvDnn.BlobFromImage(crop, _p.Scale, new Size(_p.InputWidth, _p.InputHeight),
            new Scalar(_p.Mean[0], _p.Mean[1], _p.Mean[2]), swapRB: _p.ChannelOrder == ChannelOrder.Rgb, crop: false))
        {
            _backbone.SetInput(blob);
            _backbone.Forward(_features, _layer);
        }

        var raw = _features[0].GetFloats();
        var features = _pool ? GlobalAverage(raw, _features[0].Size(1)) : raw.ToArray();
        _model.Head.Predict(features, probabilities);
    }

    private static float[] GlobalAverage(ReadOnlySpan<float> raw, int channels)
    {
        var pooled = new float[channels];
        int area = raw.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            float sum = 0;
            foreach (float v in raw.Slice(c * area, area))
            {
                sum += v;
            }

            pooled[c] = sum / area;
        }

        return pooled;
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
