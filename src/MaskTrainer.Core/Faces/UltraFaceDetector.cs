using MaskTrainer.Models;
using MaskTrainer.OpenCv;

namespace MaskTrainer.Faces;

/// <summary>
/// UltraFace-style detector (fr_detect.onnx from the faceplugin npm package; licence only
/// declared, provenance unverified: see the catalog). Input: the whole image resized to 320x240,
/// RGB, (x - 127) / 128, NCHW. Outputs 'scores' [1,4420,2] (column 1 = face) and 'boxes'
/// [1,4420,4], corners already decoded to 0..1, so they map back by the image size; NMS is ours.
/// </summary>
public sealed class UltraFaceDetector : FaceDetectorBase
{
    /// <summary>Catalog id.</summary>
    public const string ModelId = "ultraface";

    /// <summary>Default threshold 0.7: below it the model fires on dog faces (see README).</summary>
    public const float DefaultThreshold = 0.7f;

    private readonly Net _net;
    private readonly Mat _blob = new();
    private readonly FaceCandidates _candidates = new();
    private readonly string[] _outputNames;
    private readonly Size _inputSize;
    private readonly Scalar _mean;
    private readonly double _scale;
    private readonly bool _swapRB;

    /// <summary>Loads the model from its ONNX file.</summary>
    public UltraFaceDetector(string modelPath, FaceDetectorOptions? options = null)
        : base(ModelId, DefaultThreshold, options)
    {
        var spec = ModelCatalog.Default.Get(ModelId);
        var pre = spec.Preprocessing ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no preprocessing");
        _inputSize = new Size(pre.InputWidth, pre.InputHeight);
        _mean = new Scalar(pre.Mean[0], pre.Mean[1], pre.Mean[2]);
        _scale = pre.Scale;
        _swapRB = pre.ChannelOrder == ChannelOrder.Rgb;
        _outputNames = [.. spec.Outputs];
        if (_outputNames.Length != 2 || _outputNames[0] != "scores" || _outputNames[1] != "boxes")
        {
            throw new InvalidOperationException($"catalog model '{ModelId}': expected outputs [scores, boxes], got [{string.Join(", ", _outputNames)}]");
        }

        _net = Net.ReadFromOnnx(modelPath);
    }

    /// <summary>Loads the model from <paramref name="store"/>.</summary>
    public static UltraFaceDetector Create(ModelStore store, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = ModelCatalog.Default.Get(ModelId);
        return new UltraFaceDetector(store.GetFilePath(spec, spec.Files[0].Name), options);
    }

    protected override IReadOnlyList<DetectedFace> DetectCore(Mat image, float minConfidence)
    {
        int w = image.Cols, h = image.Rows;
        Dnn.BlobFromImage(image, _blob, _scale, _inputSize, _mean, _swapRB);
        _net.SetInput(_blob);
        var outputs = _net.Forward(_outputNames);
        try
        {
            var scores = outputs[0].GetFloats();
            var boxes = outputs[1].GetFloats();
            int n = scores.Length / 2;
            if (boxes.Length != n * 4)
            {
                throw new InvalidOperationException($"{Id}: scores {outputs[0]} and boxes {outputs[1]} disagree on the number of anchors");
            }

            _candidates.Clear();
            for (int i = 0; i < n; i++)
            {
                float score = scores[i * 2 + 1];
                if (score >= minConfidence)
                {
                    _candidates.Add(boxes[i * 4] * w, boxes[i * 4 + 1] * h, boxes[i * 4 + 2] * w, boxes[i * 4 + 3] * h, score);
                }
            }
        }
        finally
        {
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }

        return _candidates.Suppress(minConfidence, Options.NmsThreshold);
    }

    protected override void DisposeCore()
    {
        _net.Dispose();
        _blob.Dispose();
    }
}
