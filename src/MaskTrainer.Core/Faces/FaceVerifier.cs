using MaskTrainer.Models;
using MaskTrainer.Imaging;
using MaskTrainer.Onnx;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// Second stage of the fused detectors: is a candidate box a human face? The box is grown by 30%
/// on each side and squared (replicated border past the image edge), turned grey, resized to
/// 64x64 and passed through fr_landmark (a 68-point landmark regressor); its 512-D embedding
/// (layer Flatten_76) goes through a logistic head
/// (<see cref="FaceVerifierHead"/>) trained on faces (masked and bare) against background boxes
/// and the detectors' false proposals. Why this works where re-scoring with the detectors did
/// not (README): the wide crop shows what surrounds the face (hair, ears, neck, fur, snout), and
/// a landmark network's features describe face geometry, which a mask hides only in part.
/// Not thread-safe on its own; one lock guards the net and the reused buffers.
/// </summary>
public sealed class FaceVerifier : IDisposable
{
    /// <summary>Catalog id of the landmark network.</summary>
    public const string ModelId = "fr-landmark";

    /// <summary>
    /// Default: a candidate is dropped when its face likelihood is under 0.015, i.e. when the head
    /// is very sure it is not a face. Middle (on a log scale) of the range in which every bar of
    /// issue #3 holds in cross-validation (README).
    /// </summary>
    public const float DefaultMinLikelihood = 0.015f;

    /// <summary>Margin added on each side of the box, as a fraction of its size, before squaring.</summary>
    public const float CropMargin = 0.3f;

    private const int InputSize = 64;

    private static readonly FaceCropOptions CropOptions = new() { Margin = CropMargin, Square = true };

    private readonly OnnxNet _net;
    private readonly string _featureLayer;
    private readonly float _scale;
    private readonly FaceVerifierHead _head;
    private readonly Mat _grey = new(), _grey64 = new(), _mirror64 = new();
    private readonly FaceCropBuffer _border = new(); // faces at the image's edge, padded as in training

    // A frame's judgeable faces (indices into the boxes) go through the network in one batch.
    private readonly List<int> _batchFaces = [];
    private readonly int _embeddingSize;
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Loads the landmark network from <paramref name="modelPath"/>; <paramref name="head"/> defaults to the shipped one.</summary>
    public FaceVerifier(string modelPath, FaceVerifierHead? head = null, int threads = 0)
    {
        var spec = ModelCatalog.Default.Get(ModelId);
        var pre = spec.Preprocessing ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no preprocessing");
        if (pre.InputWidth != InputSize || pre.InputHeight != InputSize)
        {
            throw new InvalidOperationException($"catalog model '{ModelId}': expected a {InputSize}x{InputSize} input, got {pre.Describe()}");
        }

        _featureLayer = spec.FeatureLayer ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no feature layer");
        _scale = (float)pre.Scale;
        _head = head ?? FaceVerifierHead.Default;
        _embeddingSize = spec.FeatureSize ?? _head.Weights.Length;
        if (_embeddingSize != _head.Weights.Length)
        {
            throw new InvalidOperationException($"face verifier head has {_head.Weights.Length} weights, '{ModelId}' gives {_embeddingSize} features");
        }

        // The embedding is an inner layer: ONNX Runtime runs a copy of the graph cut there.
        _net = OnnxNet.Load(FeatureGraphs.Prepare(modelPath, _featureLayer), threads);
    }

    /// <summary>Identifies the head in use (see <see cref="FaceVerifierHead.Fingerprint"/>).</summary>
    public string Fingerprint => _head.Fingerprint;

    /// <summary>Length of <see cref="Embed"/>'s output.</summary>
    public int EmbeddingSize => _embeddingSize;

    /// <summary>Loads the network from <paramref name="store"/> (fetched if missing and allowed).</summary>
    public static FaceVerifier Create(ModelStore store, FaceVerifierHead? head = null, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = ModelCatalog.Default.Get(ModelId);
        return new FaceVerifier(store.GetFilePath(spec, spec.Files[0].Name), head, threads);
    }

    /// <summary>
    /// Face likelihood of <paramref name="box"/> in the BGR <paramref name="image"/>, in [0, 1].
    /// A box whose crop misses the image entirely cannot be judged and gets 1 (kept).
    /// </summary>
    public float Likelihood(Mat image, Rect box)
    {
        Span<float> likelihood = stackalloc float[1];
        Likelihoods(image, [new DetectedFace(box, 1f)], likelihood);
        return likelihood[0];
    }

    /// <summary>
    /// Face likelihoods of several boxes of one image, computed in one forward pass; writes
    /// <paramref name="likelihoods"/>[i] for <paramref name="boxes"/>[i] (1 for a box that misses
    /// the image).
    /// </summary>
    public void Likelihoods(Mat image, IReadOnlyList<DetectedFace> boxes, Span<float> likelihoods) =>
        Likelihoods(image, boxes, likelihoods, bothWays: false);

    /// <summary>
    /// As <see cref="Likelihoods(Mat, IReadOnlyList{DetectedFace}, Span{float})"/>; with
    /// <paramref name="bothWays"/>, each crop is also judged mirrored and the lower likelihood
    /// counts. A face looks like a face both ways; a hand, an arm or a pattern that happens to
    /// look like one seldom does (same forward pass, twice the batch).
    /// </summary>
    public void Likelihoods(Mat image, IReadOnlyList<DetectedFace> boxes, Span<float> likelihoods, bool bothWays)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (likelihoods.Length < boxes.Count)
        {
            throw new ArgumentException($"likelihoods needs {boxes.Count} values, got {likelihoods.Length}", nameof(likelihoods));
        }

        lock (_gate)
        {
            for (int i = 0; i < boxes.Count; i++)
            {
                likelihoods[i] = 1f;
            }

            var all = EmbedAll(image, boxes, bothWays);
            int copies = bothWays ? 2 : 1;
            for (int k = 0; k < _batchFaces.Count; k++)
            {
                float likelihood = _head.Likelihood(all.Slice(k * copies * _embeddingSize, _embeddingSize));
                if (bothWays)
                {
                    likelihood = Math.Min(likelihood, _head.Likelihood(all.Slice((k * copies + 1) * _embeddingSize, _embeddingSize)));
                }

                likelihoods[_batchFaces[k]] = likelihood;
            }
        }
    }

    /// <summary>
    /// The verifier's input to the head: the embedding of the crop.
    /// Returns false (and leaves <paramref name="destination"/> unspecified) when the crop misses the image.
    /// </summary>
    public bool Embed(Mat image, Rect box, Span<float> destination)
    {
        if (destination.Length != _embeddingSize)
        {
            throw new ArgumentException($"destination needs {_embeddingSize} values, got {destination.Length}", nameof(destination));
        }

        lock (_gate)
        {
            var all = EmbedAll(image, [new DetectedFace(box, 1f)], mirrored: false);
            if (_batchFaces.Count == 0)
            {
                return false;
            }

            all.CopyTo(destination);
            return true;
        }
    }

    /// <summary>
    /// Embeds every judgeable box in one forward pass (caller holds the lock); the embeddings,
    /// in the order of <see cref="_batchFaces"/> (indices into <paramref name="boxes"/>), valid until the next call.
    /// With <paramref name="mirrored"/>, each box's embedding is followed by its mirror image's.
    /// </summary>
    private ReadOnlySpan<float> EmbedAll(Mat image, IReadOnlyList<DetectedFace> boxes, bool mirrored)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (image.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException($"face verification needs an 8-bit 3-channel BGR image, got {image}", nameof(image));
        }

        _batchFaces.Clear();
        for (int i = 0; i < boxes.Count; i++)
        {
            if (Judgeable(image, boxes[i].Box))
            {
                _batchFaces.Add(i);
            }
        }

        int copies = mirrored ? 2 : 1;
        int n = _batchFaces.Count * copies;
        if (n == 0)
        {
            return default;
        }

        var input = _net.Input(n);
        const int pixels = InputSize * InputSize;
        for (int k = 0; k < _batchFaces.Count; k++)
        {
            PrepareInput(image, boxes[_batchFaces[k]].Box, _grey64);
            Write(_grey64, input.Slice(k * copies * pixels, pixels));
            if (mirrored)
            {
                // The crop region is centred on the box, so mirroring the crop is the mirrored box's crop.
                Cv2.Flip(_grey64, _mirror64, FlipMode.Y);
                Write(_mirror64, input.Slice((k * copies + 1) * pixels, pixels));
            }
        }

        _net.Run(n);
        var features = _net.Output(0);
        if (features.Length != _embeddingSize * n)
        {
            throw new InvalidOperationException($"{ModelId}: layer {_featureLayer} gave {features.Length} values for {n} crops, expected {_embeddingSize} each");
        }

        return features;
    }

    private void Write(Mat grey64, Span<float> destination)
    {
        var grey = grey64.GetBytes();
        for (int p = 0; p < destination.Length; p++)
        {
            destination[p] = grey[p] * _scale;
        }
    }

    /// <summary>The network's input for one box: the wide square crop, grey, 64x64.</summary>
    private void PrepareInput(Mat image, Rect box, Mat grey64)
    {
        // Most crops lie inside the frame: a region view then saves copying the face's pixels
        // (the crop is not blanked); at the border, FaceCropper pads it as in training.
        var region = FaceCropper.Region(box, CropOptions);
        if (region.Intersect(new Rect(0, 0, image.Cols, image.Rows)) == region)
        {
            using var view = new Mat(image, region);
            Cv2.CvtColor(view, _grey, ColorConversionCodes.BGR2GRAY);
        }
        else
        {
            Cv2.CvtColor(_border.Crop(image, box, CropOptions), _grey, ColorConversionCodes.BGR2GRAY);
        }

        Cv2.Resize(_grey, grey64, new Size(InputSize, InputSize), interpolation: InterpolationFlags.Linear);
    }

    /// <summary>False for a box whose crop misses the image: it cannot be judged (and is kept).</summary>
    private static bool Judgeable(Mat image, Rect box) =>
        box.Width > 0 && box.Height > 0 && !FaceCropper.Region(box, CropOptions).Intersect(new Rect(0, 0, image.Cols, image.Rows)).IsEmpty;

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _net.Dispose();
            _grey.Dispose();
            _border.Dispose();
            _grey64.Dispose();
            _mirror64.Dispose();
        }
    }
}
