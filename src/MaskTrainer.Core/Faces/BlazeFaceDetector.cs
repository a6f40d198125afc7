using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// MediaPipe BlazeFace (keijiro's ONNX port), front (128x128) or back (256x256) model. The image
/// is letterboxed to a square (scaled to fit, black padding) and fed as an NHWC 1xSxSx3 RGB blob
/// scaled to [-1, 1], built here in a reused buffer. Each of the 896 anchors regresses a box and
/// 6 keypoints in input pixels relative to its centre; scores are logits. Boxes and landmarks
/// are mapped back through the letterbox to image pixels. Runs in ONNX Runtime: OpenCV's DNN
/// (4.13) rejects these graphs at their first MaxPool.
/// </summary>
public sealed class BlazeFaceDetector : FaceDetectorBase
{
    /// <summary>Catalog id of the front model.</summary>
    public const string FrontModelId = "blazeface";

    /// <summary>Catalog id of the back model.</summary>
    public const string BackModelId = "blazeface-back";

    /// <summary>Default threshold of the front model (MediaPipe's 0.5).</summary>
    public const float FrontDefaultThreshold = 0.5f;

    /// <summary>
    /// Default threshold of the back model: 0.5 (MediaPipe's). It finds every labelled face at
    /// 0.5, but also dog faces (see README); <see cref="FaceDetectors.DefaultId"/> fuses it with res10.
    /// </summary>
    public const float BackDefaultThreshold = 0.5f;

    private const int Values = 16; // box (4) + 6 keypoints (12) per anchor
    private const int Keypoints = 6;
    private const float LogitClamp = 80f;

    private readonly OnnxNet _net;
    private readonly Letterbox _letterbox;
    private readonly float[] _rgbMultiplier = new float[3];
    private readonly float[] _rgbOffset = new float[3];
    private readonly FaceCandidates _candidates = new();
    private readonly int _size;
    private readonly Func<int, IReadOnlyList<Point2f>> _landmarksOf;
    private int _fineBoxes = -1, _coarseBoxes = -1; // which outputs hold the regressors, found on the first frame

    /// <summary>Loads the <paramref name="variant"/> model from its ONNX file.</summary>
    public BlazeFaceDetector(BlazeFaceVariant variant, string modelPath, FaceDetectorOptions? options = null)
        : base(ModelIdOf(variant), variant == BlazeFaceVariant.Front ? FrontDefaultThreshold : BackDefaultThreshold, options)
    {
        Variant = variant;
        var spec = ModelCatalog.Default.Get(Id);
        var pre = spec.Preprocessing ?? throw new InvalidOperationException($"catalog model '{Id}' has no preprocessing");
        if (pre.InputWidth != pre.InputHeight || pre.Layout != TensorLayout.Nhwc || pre.ChannelOrder != ChannelOrder.Rgb)
        {
            throw new InvalidOperationException($"catalog model '{Id}': expected a square NHWC RGB input, got {pre.Describe()}");
        }

        _size = pre.InputWidth;
        for (int c = 0; c < 3; c++)
        {
            (_rgbMultiplier[c], _rgbOffset[c]) = pre.ChannelAffine(c);
        }

        _net = OnnxNet.Load(modelPath, Options.Threads);
        _letterbox = new Letterbox(_size);
        _landmarksOf = Landmarks;
    }

    /// <summary>Which model this is.</summary>
    public BlazeFaceVariant Variant { get; }

    /// <summary>Catalog id of <paramref name="variant"/>.</summary>
    public static string ModelIdOf(BlazeFaceVariant variant) => variant switch
    {
        BlazeFaceVariant.Front => FrontModelId,
        BlazeFaceVariant.Back => BackModelId,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "unknown BlazeFace variant"),
    };

    /// <summary>Loads the <paramref name="variant"/> model from <paramref name="store"/>.</summary>
    public static BlazeFaceDetector Create(BlazeFaceVariant variant, ModelStore store, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = ModelCatalog.Default.Get(ModelIdOf(variant));
        return new BlazeFaceDetector(variant, store.GetFilePath(spec, spec.Files[0].Name), options);
    }

    protected override IReadOnlyList<DetectedFace> DetectCore(Mat image, float minConfidence)
    {
        _letterbox.Fill(image);
        FillInput(_letterbox.Square.GetBytes(), _net.Input(1));
        _net.Run(1);

        // Pick the tensors by size, not by name order: the ONNX export does not promise an order.
        ReadOnlySpan<float> fineScores = default, coarseScores = default, fineBoxes = default, coarseBoxes = default;
        for (int o = 0; o < _net.OutputNames.Count; o++)
        {
            var data = _net.Output(o);
            switch (data.Length)
            {
                case BlazeFaceAnchors.FineCount: fineScores = data; break;
                case BlazeFaceAnchors.CoarseCount: coarseScores = data; break;
                case BlazeFaceAnchors.FineCount * Values: fineBoxes = data; _fineBoxes = o; break;
                case BlazeFaceAnchors.CoarseCount * Values: coarseBoxes = data; _coarseBoxes = o; break;
                default: throw new InvalidOperationException($"{Id}: unexpected output {_net.OutputNames[o]} of {data.Length} values; expected scores [1,512,1], [1,384,1] and regressors [1,512,16], [1,384,16]");
            }
        }

        if (fineScores.IsEmpty || coarseScores.IsEmpty || fineBoxes.IsEmpty || coarseBoxes.IsEmpty)
        {
            throw new InvalidOperationException($"{Id}: the outputs [{string.Join(", ", _net.OutputNames)}] are not BlazeFace's four tensors");
        }

        _candidates.Clear();
        Decode(fineScores, fineBoxes, 0, minConfidence);
        Decode(coarseScores, coarseBoxes, BlazeFaceAnchors.FineCount, minConfidence);
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
        bool fine = anchor < BlazeFaceAnchors.FineCount;
        var regressors = _net.Output(fine ? _fineBoxes : _coarseBoxes);
        var r = regressors.Slice((fine ? anchor : anchor - BlazeFaceAnchors.FineCount) * Values, Values);
        float ax = BlazeFaceAnchors.Centres[anchor * 2], ay = BlazeFaceAnchors.Centres[anchor * 2 + 1];
        float s = _size;
        var landmarks = new Point2f[Keypoints];
        for (int k = 0; k < Keypoints; k++)
        {
            landmarks[k] = new Point2f(_letterbox.ToImageX(r[4 + 2 * k] / s + ax), _letterbox.ToImageY(r[5 + 2 * k] / s + ay));
        }

        return landmarks;
    }

    private void FillInput(ReadOnlySpan<byte> bgr, Span<float> rgb)
    {
        float mr = _rgbMultiplier[0], or = _rgbOffset[0];
        float mg = _rgbMultiplier[1], og = _rgbOffset[1];
        float mb = _rgbMultiplier[2], ob = _rgbOffset[2];
        for (int i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = bgr[i + 2] * mr + or;
            rgb[i + 1] = bgr[i + 1] * mg + og;
            rgb[i + 2] = bgr[i] * mb + ob;
        }
    }

    private void Decode(ReadOnlySpan<float> logits, ReadOnlySpan<float> regressors, int firstAnchor, float minConfidence)
    {
        var anchors = BlazeFaceAnchors.Centres;
        float s = _size;
        for (int i = 0; i < logits.Length; i++)
        {
            float score = 1f / (1f + MathF.Exp(-Math.Clamp(logits[i], -LogitClamp, LogitClamp)));
            if (score < minConfidence)
            {
                continue;
            }

            var r = regressors.Slice(i * Values, Values);
            float ax = anchors[(firstAnchor + i) * 2], ay = anchors[(firstAnchor + i) * 2 + 1];
            float cx = r[0] / s + ax, cy = r[1] / s + ay, w = r[2] / s, h = r[3] / s;
            _candidates.Add(
                _letterbox.ToImageX(cx - w / 2), _letterbox.ToImageY(cy - h / 2),
                _letterbox.ToImageX(cx + w / 2), _letterbox.ToImageY(cy + h / 2),
                score, tag: firstAnchor + i);
        }
    }
}
