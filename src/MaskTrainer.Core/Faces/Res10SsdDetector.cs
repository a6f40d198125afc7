using MaskTrainer.Models;
using MaskTrainer.Imaging;
using MaskTrainer.Features;
using OpenCvSharp;
using MaskTrainer.Onnx;

namespace MaskTrainer.Faces;

/// <summary>
/// OpenCV's res10 SSD face detector (ResNet-10 backbone, TensorFlow graph with 8-bit weights),
/// run by ONNX Runtime from the graph <see cref="Res10OnnxGraph"/> converts once and caches: OpenCV's
/// DNN ran it at about 30 frames/s here and capped every loop detecting on each frame.
/// Input: the whole image resized to 300x300, BGR, mean (104, 177, 123) subtracted, scale 1
/// (from the catalog). Outputs: boxes as corners normalised to 0..1, which map back by the image
/// size (the resize is not aspect-preserving, and neither was the training), and face scores.
/// </summary>
public sealed class Res10SsdDetector : FaceDetectorBase
{
    /// <summary>Catalog id.</summary>
    public const string ModelId = "res10";

    /// <summary>Default threshold 0.5: the usual one for this model; see README for what it finds.</summary>
    public const float DefaultThreshold = 0.5f;

    // The NMS of the .pbtxt's DetectionOutput, which OpenCV applied before ours: over the 400
    // best candidates (top_k), keeping at most the 200 best (keep_top_k). res10 alone at its 0.5
    // never meets these limits; the fused detectors consult it from ScoreFusion.MemberFloor
    // (0.05), where a textured photo has hundreds of boxes, and so does the verifier's training.
    private const float GraphNmsThreshold = 0.45f;
    private const int GraphTopK = 400, GraphKeepTopK = 200;

    private readonly OnnxNet _net;
    private readonly Mat _scratch = new();
    private readonly FaceCandidates _candidates = new();
    private readonly FaceCandidates _kept = new();
    private readonly Preprocessing _preprocessing;
    private readonly int _boxes, _scores;

    /// <summary>Loads the model from its .pb weights and .pbtxt config (converted to ONNX on first use, then cached).</summary>
    public Res10SsdDetector(string modelPath, string configPath, FaceDetectorOptions? options = null)
        : base(ModelId, DefaultThreshold, options)
    {
        var spec = ModelCatalog.Default.Get(ModelId);
        _preprocessing = spec.Preprocessing
            ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no preprocessing");
        foreach (var file in new[] { modelPath, configPath })
        {
            if (!File.Exists(file))
            {
                throw new ImagingException($"{file}: res10 model file not found");
            }
        }

        string graph;
        try
        {
            graph = Res10OnnxGraph.Prepare(spec, modelPath, configPath);
        }
        catch (OnnxGraphEditException e)
        {
            throw new ImagingException(e.Message, e);
        }

        _net = OnnxNet.Load(graph, Options.Threads);
        _boxes = IndexOf(_net, Res10OnnxGraph.BoxesName);
        _scores = IndexOf(_net, Res10OnnxGraph.ScoresName);
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
        InputTensor.Write(image, _preprocessing, _net.Input(1), _scratch);
        _net.Run(1);
        var boxes = _net.Output(_boxes);
        var scores = _net.Output(_scores);

        // As the .pbtxt's DetectionOutput did: NMS at 0.45 over the 400 best, the 200 best kept...
        _candidates.Clear();
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] >= minConfidence)
            {
                _candidates.Add(boxes[i * 4] * w, boxes[i * 4 + 1] * h, boxes[i * 4 + 2] * w, boxes[i * 4 + 3] * h, scores[i]);
            }
        }

        // ...then ours over what is left. The SSD head sometimes regresses confident boxes
        // entirely off the image (corners beyond 1.0 on small inputs); a face's centre is
        // always inside the frame, so those go before our NMS.
        _kept.Clear();
        var graphKept = _candidates.Suppress(minConfidence, GraphNmsThreshold, topK: GraphTopK);
        for (int i = 0; i < graphKept.Count && i < GraphKeepTopK; i++)
        {
            var face = graphKept[i];
            float cx = face.Box.X + (face.Box.Width / 2f), cy = face.Box.Y + (face.Box.Height / 2f);
            if (cx >= 0 && cx <= w && cy >= 0 && cy <= h)
            {
                _kept.Add(face.Box.Left, face.Box.Top, face.Box.Right, face.Box.Bottom, face.Score);
            }
        }

        return _kept.Suppress(minConfidence, Options.NmsThreshold);
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

        throw new InvalidOperationException($"{net.Source}: expected outputs [{Res10OnnxGraph.BoxesName}, {Res10OnnxGraph.ScoresName}], the graph has [{string.Join(", ", net.OutputNames)}]");
    }
}
