using MaskTrainer.Models;
using MaskTrainer.OpenCv;

namespace MaskTrainer.Faces;

/// <summary>
/// OpenCV's res10 SSD face detector (ResNet-10 backbone, TensorFlow graph with 8-bit weights).
/// Input: the whole image resized to 300x300, BGR, mean (104, 177, 123) subtracted, scale 1
/// (from the catalog). Output 1x1xNx7 rows [image, class, score, x1, y1, x2, y2], corners
/// normalised to 0..1, which map back by the image size (the resize is not aspect-preserving,
/// and neither was the training).
/// </summary>
public sealed class Res10SsdDetector : FaceDetectorBase
{
    /// <summary>Catalog id.</summary>
    public const string ModelId = "res10";

    /// <summary>Default threshold 0.5: the usual one for this model; see README for what it finds.</summary>
    public const float DefaultThreshold = 0.5f;

    private readonly Net _net;
    private readonly Mat _blob = new();
    private readonly Mat _output = new();
    private readonly FaceCandidates _candidates = new();
    private readonly Size _inputSize;
    private readonly Scalar _mean;
    private readonly double _scale;
    private readonly bool _swapRB;

    /// <summary>Loads the model from its .pb weights and .pbtxt config.</summary>
    public Res10SsdDetector(string modelPath, string configPath, FaceDetectorOptions? options = null)
        : base(ModelId, DefaultThreshold, options)
    {
        var pre = ModelCatalog.Default.Get(ModelId).Preprocessing
            ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no preprocessing");
        _inputSize = new Size(pre.InputWidth, pre.InputHeight);
        _mean = new Scalar(pre.Mean[0], pre.Mean[1], pre.Mean[2]);
        _scale = pre.Scale;
        _swapRB = pre.ChannelOrder == ChannelOrder.Rgb;
        _net = Net.ReadFromTensorflow(modelPath, configPath);
    }

    /// <summary>Loads the model from <paramref name="store"/> (downloading it if the store allows).</summary>
    public static Res10SsdDetector Create(ModelStore store, FaceDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = ModelCatalog.Default.Get(ModelId);
        return new Res10SsdDetector(store.GetFilePath(spec, spec.Files[0].Name), store.GetFilePath(spec, spec.Files[1].Name), options);
    }

    protected override IReadOnlyList<DetectedFace> DetectCore(Mat image, float minConfidence)
    {
        int w = image.Cols, h = image.Rows;
        Dnn.BlobFromImage(image, _blob, _scale, _inputSize, _mean, _swapRB);
        _net.SetInput(_blob);
        _net.Forward(_output);
        var rows = _output.GetFloats();
        _candidates.Clear();
        for (int i = 0; i + 7 <= rows.Length; i += 7)
        {
            float score = rows[i + 2];
            float cx = (rows[i + 3] + rows[i + 5]) / 2, cy = (rows[i + 4] + rows[i + 6]) / 2;

            // The SSD head sometimes regresses confident boxes entirely off the image (corners
            // beyond 1.0 on small inputs); a face's centre is always inside the frame.
            if (score >= minConfidence && cx is >= 0 and <= 1 && cy is >= 0 and <= 1)
            {
                _candidates.Add(rows[i + 3] * w, rows[i + 4] * h, rows[i + 5] * w, rows[i + 6] * h, score);
            }
        }

        // The graph already applies NMS (0.45); ours at the configured IoU keeps all detectors alike.
        return _candidates.Suppress(minConfidence, Options.NmsThreshold);
    }

    protected override void DisposeCore()
    {
        _net.Dispose();
        _blob.Dispose();
        _output.Dispose();
    }
}
