using MaskTrainer.Features;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// MediaPipe's full-range BlazeFace (<c>blazeface-full</c>): made for faces up to about 5 m from
/// a back camera, with one anchor per 4 px cell of its 192x192 input (a 48x48 grid) where the
/// short-range models have 8 px cells and fewer. The npm registry serves it as a TensorFlow.js
/// graph model, converted once to ONNX (<see cref="TensorFlowJsModels"/>) and run in ONNX Runtime.
/// The image is letterboxed to the square input (RGB scaled to [-1, 1], planar); each anchor
/// gives a face logit, then a box (centre offset and size) and 6 keypoints in input pixels
/// relative to its centre, as the other BlazeFace models do.
/// </summary>
public sealed class BlazeFaceFullDetector : FaceDetectorBase
{
    /// <summary>Catalog id.</summary>
    public const string ModelId = "blazeface-full";

    /// <summary>Default threshold: MediaPipe's 0.5 for its face detectors.</summary>
    public const float DefaultThreshold = 0.5f;

    /// <summary>The converted graph's face output (the person head is not used).</summary>
    internal const string FaceOutput = "Identity";

    private const int Grid = 48;
    private const int Values = 17; // logit, box (4), 6 keypoints (12)
    private const int Keypoints = 6;
    private const float LogitClamp = 80f;

    private readonly OnnxNet _net;
    private readonly Letterbox _letterbox;
    private readonly Preprocessing _preprocessing;
    private readonly FaceCandidates _candidates = new();
    private readonly Func<int, IReadOnlyList<Point2f>> _landmarksOf;
    private readonly int _size;

    /// <summary>Loads the model from its converted ONNX graph (<see cref="Prepare"/>).</summary>
    public BlazeFaceFullDetector(string onnxPath, FaceDetectorOptions? options = null)
        : base(ModelId, DefaultThreshold, options)
    {
        var spec = ModelCatalog.Default.Get(ModelId);
        _preprocessing = spec.Preprocessing ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no preprocessing");
        if (_preprocessing.InputWidth != _preprocessing.InputHeight || _preprocessing.InputWidth != Grid * 4)
        {
            throw new InvalidOperationException($"catalog model '{ModelId}': expected a {Grid * 4}x{Grid * 4} input, got {_preprocessing.Describe()}");
        }

        _size = _preprocessing.InputWidth;
        _net = OnnxNet.Load(onnxPath, Options.Threads);
        if (_net.OutputNames.Count != 1 || _net.OutputNames[0] != FaceOutput)
        {
            _net.Dispose();
            throw new InvalidOperationException($"{onnxPath}: expected the one output '{FaceOutput}', the graph has [{string.Join(", ", _net.OutputNames)}]");
        }

        _letterbox = new Letterbox(_size);
        _landmarksOf = Landmarks;
    }

    /// <summary>
    /// The converted graph of the catalog's model, made from its two files in <paramref name="store"/>
    /// (fetched when missing) on first use and cached with the other converted graphs (as res10's).
    /// </summary>
    public static string Prepare(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = ModelCatalog.Default.Get(ModelId);
        var json = store.GetFilePath(spec, spec.Files[0].Name);
        var weights = store.GetFilePath(spec, spec.Files[1].Name);
        return TensorFlowJsModels.Prepare(spec, json, weights, [FaceOutput]);
    }

    /// <summary>Loads the model from <paramref name="store"/>.</summary>
    public static BlazeFaceFullDetector Create(ModelStore store, FaceDetectorOptions? options = null) => new(Prepare(store), options);

    protected override IReadOnlyList<DetectedFace> DetectCore(Mat image, float minConfidence)
    {
        _letterbox.Fill(image);
        InputTensor.Write(_letterbox.Square, _preprocessing, _net.Input(1));
        _net.Run(1);
        var rows = _net.Output(0);
        if (rows.Length != Grid * Grid * Values)
        {
            throw new InvalidOperationException($"{Id}: output of {rows.Length} values; expected [1, {Grid * Grid}, {Values}]");
        }

        _candidates.Clear();
        float s = _size;
        for (int i = 0; i < Grid * Grid; i++)
        {
            var r = rows.Slice(i * Values, Values);
            float score = 1f / (1f + MathF.Exp(-Math.Clamp(r[0], -LogitClamp, LogitClamp)));
            if (score < minConfidence)
            {
                continue;
            }

            float ax = (i % Grid + 0.5f) / Grid, ay = (i / Grid + 0.5f) / Grid;
            float cx = r[1] / s + ax, cy = r[2] / s + ay, w = r[3] / s, h = r[4] / s;
            _candidates.Add(
                _letterbox.ToImageX(cx - w / 2), _letterbox.ToImageY(cy - h / 2),
                _letterbox.ToImageX(cx + w / 2), _letterbox.ToImageY(cy + h / 2),
                score, tag: i);
        }

        return _candidates.Suppress(minConfidence, Options.NmsThreshold, _landmarksOf);
    }

    protected override void DisposeCore()
    {
        _net.Dispose();
        _letterbox.Dispose();
    }

    /// <summary>The 6 keypoints of anchor <paramref name="anchor"/> of the current frame, in image pixels.</summary>
    private Point2f[] Landmarks(int anchor)
    {
        var r = _net.Output(0).Slice(anchor * Values, Values);
        float ax = (anchor % Grid + 0.5f) / Grid, ay = (anchor / Grid + 0.5f) / Grid;
        float s = _size;
        var landmarks = new Point2f[Keypoints];
        for (int k = 0; k < Keypoints; k++)
        {
            landmarks[k] = new Point2f(_letterbox.ToImageX(r[5 + 2 * k] / s + ax), _letterbox.ToImageY(r[6 + 2 * k] / s + ay));
        }

        return landmarks;
    }
}
