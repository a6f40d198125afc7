using MaskTrainer.Models;
using MaskTrainer.Imaging;
using MaskTrainer.Features;
using MaskTrainer.Onnx;
using OpenCvSharp;

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

    /// <summary>The network's input size, from the catalog (fixed: the anchors are baked into the graph).</summary>
    public Size InputSize => new(_preprocessing.InputWidth, _preprocessing.InputHeight);

    private readonly OnnxNet _net;
    private readonly Mat _scratch = new();
    private readonly FaceCandidates _candidates = new();
    private readonly Preprocessing _preprocessing;
    private readonly int _scores, _boxes;

    /// <summary>Loads the model from its ONNX file.</summary>
    public UltraFaceDetector(string modelPath, FaceDetectorOptions? options = null)
        : base(ModelId, DefaultThreshold, options)
    {
        var spec = ModelCatalog.Default.Get(ModelId);
        var pre = spec.Preprocessing ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no preprocessing");
        _preprocessing = pre;
        _net = OnnxNet.Load(modelPath, Options.Threads);
        _scores = IndexOf(_net, "scores");
        _boxes = IndexOf(_net, "boxes");
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
        InputTensor.Write(image, _preprocessing, _net.Input(1), _scratch);
        _net.Run(1);
        var scores = _net.Output(_scores);
        var boxes = _net.Output(_boxes);
        int n = scores.Length / 2;
        if (boxes.Length != n * 4)
        {
            throw new InvalidOperationException($"{Id}: scores ({scores.Length} values) and boxes ({boxes.Length}) disagree on the number of anchors");
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

        return _candidates.Suppress(minConfidence, Options.NmsThreshold);
    }

    protected override void DisposeCore()
    {
        _net.Dispose();
        _scratch.Dispose();
    }

    private static int IndexOf(OnnxNet net, string output)
    {
        for (int i = 0; i < net.OutputNames.Count; i++)
        {
            if (net.OutputNames[i] == output)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{net.Source}: expected outputs [scores, boxes], the graph has [{string.Join(", ", net.OutputNames)}]");
    }
}
