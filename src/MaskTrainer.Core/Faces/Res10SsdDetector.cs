using MaskTrainer.Models;
using MaskTrainer.Imaging;
using MaskTrainer.Features;
using OpenCvSharp;
using OpenCvSharp.Dnn;

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
    private readonly Mat _blob;
    private readonly Mat _output = new();
    private readonly Mat _scratch = new();
    private readonly Mat[] _outputs;
    private readonly FaceCandidates _candidates = new();
    private readonly Preprocessing _preprocessing;

    /// <summary>Loads the model from its .pb weights and .pbtxt config.</summary>
    public Res10SsdDetector(string modelPath, string configPath, FaceDetectorOptions? options = null)
        : base(ModelId, DefaultThreshold, options)
    {
        var pre = ModelCatalog.Default.Get(ModelId).Preprocessing
            ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no preprocessing");
        _preprocessing = pre;
        foreach (var file in new[] { modelPath, configPath })
        {
            if (!File.Exists(file))
            {
                throw new ImagingException($"{file}: res10 model file not found");
            }
        }

        // A TensorFlow graph: OpenCV's DNN runs it (ONNX Runtime only takes ONNX).
        try
        {
            _net = CvDnn.ReadNetFromTensorflow(modelPath, configPath)
                ?? throw new ImagingException($"{modelPath}: OpenCV could not read the res10 graph");
        }
        catch (OpenCVException e)
        {
            throw new ImagingException($"{modelPath}: OpenCV could not read the res10 graph: {e.Message}", e);
        }

        _blob = new Mat(InputTensor.Shape(pre, 1), MatType.CV_32FC1);
        _outputs = [_output];
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
        InputTensor.Write(image, _preprocessing, _blob.GetFloats(), _scratch);
        _net.SetInput(_blob);
        _net.Forward(_outputs, "detection_out");
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
        _scratch.Dispose();
    }
}
