using MaskTrainer.Models;
using MaskTrainer.OpenCv;

namespace MaskTrainer.Faces;

/// <summary>
/// Second stage of the fused detectors: is a candidate box a human face? The box is grown by 30%
/// on each side and squared (replicated border past the image edge), turned grey, resized to
/// 64x64 and passed, with its mirror image, through fr_landmark (a 68-point landmark regressor);
/// the mean of the two 512-D embeddings (layer Flatten_76) goes through a logistic head
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

    private readonly Net _net;
    private readonly string _featureLayer;
    private readonly double _scale;
    private readonly FaceVerifierHead _head;
    private readonly Mat _grey = new(), _small = new(), _mirrored = new(), _blob = new(), _features = new();
    private readonly float[] _embedding;
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Loads the landmark network from <paramref name="modelPath"/>; <paramref name="head"/> defaults to the shipped one.</summary>
    public FaceVerifier(string modelPath, FaceVerifierHead? head = null)
    {
        var spec = ModelCatalog.Default.Get(ModelId);
        var pre = spec.Preprocessing ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no preprocessing");
        if (pre.InputWidth != InputSize || pre.InputHeight != InputSize)
        {
            throw new InvalidOperationException($"catalog model '{ModelId}': expected a {InputSize}x{InputSize} input, got {pre.Describe()}");
        }

        _featureLayer = spec.FeatureLayer ?? throw new InvalidOperationException($"catalog model '{ModelId}' has no feature layer");
        _scale = pre.Scale;
        _head = head ?? FaceVerifierHead.Default;
        _embedding = new float[spec.FeatureSize ?? _head.Weights.Length];
        if (_embedding.Length != _head.Weights.Length)
        {
            throw new InvalidOperationException($"face verifier head has {_head.Weights.Length} weights, '{ModelId}' gives {_embedding.Length} features");
        }

        _net = Net.ReadFromOnnx(modelPath);
    }

    /// <summary>Length of <see cref="Embed"/>'s output.</summary>
    public int EmbeddingSize => _embedding.Length;

    /// <summary>Loads the network from <paramref name="store"/> (fetched if missing and allowed).</summary>
    public static FaceVerifier Create(ModelStore store, FaceVerifierHead? head = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var spec = ModelCatalog.Default.Get(ModelId);
        return new FaceVerifier(store.GetFilePath(spec, spec.Files[0].Name), head);
    }

    /// <summary>
    /// Face likelihood of <paramref name="box"/> in the BGR <paramref name="image"/>, in [0, 1].
    /// A box whose crop misses the image entirely cannot be judged and gets 1 (kept).
    /// </summary>
    public float Likelihood(Mat image, Rect box)
    {
        lock (_gate)
        {
            return EmbedCore(image, box, _embedding) ? _head.Likelihood(_embedding) : 1f;
        }
    }

    /// <summary>
    /// The verifier's input to the head: the mean embedding of the crop and its mirror image.
    /// Returns false (and leaves <paramref name="destination"/> unspecified) when the crop misses the image.
    /// </summary>
    public bool Embed(Mat image, Rect box, Span<float> destination)
    {
        if (destination.Length != _embedding.Length)
        {
            throw new ArgumentException($"destination needs {_embedding.Length} values, got {destination.Length}", nameof(destination));
        }

        lock (_gate)
        {
            return EmbedCore(image, box, destination);
        }
    }

    private bool EmbedCore(Mat image, Rect box, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (image.Type != MatType.U8C3)
        {
            throw new ArgumentException($"face verification needs an 8-bit 3-channel BGR image, got {image}", nameof(image));
        }

        var region = FaceCropper.Region(box, CropOptions);
        if (box.Width <= 0 || box.Height <= 0 || region.Intersect(new Rect(0, 0, image.Cols, image.Rows)).IsEmpty)
        {
            return false;
        }

        using (var crop = FaceCropper.Crop(image, box, CropOptions))
        {
            Cv2.CvtColor(crop, _grey, ColorConversion.BgrToGray);
        }

        Cv2.Resize(_grey, _small, new Size(InputSize, InputSize), Interpolation.Linear);
        Forward(_small);
        var a = _features.GetFloats();
        a.CopyTo(destination);
        Cv2.Flip(_small, _mirrored, FlipMode.Horizontal);
        Forward(_mirrored);
        var b = _features.GetFloats();
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (destination[i] + b[i]) * 0.5f;
        }

        return true;
    }

    private void Forward(Mat grey64)
    {
        Dnn.BlobFromImage(grey64, _blob, _scale, new Size(InputSize, InputSize), default, swapRB: false);
        _net.SetInput(_blob);
        _net.Forward(_features, _featureLayer);
        if (_features.Total != _embedding.Length)
        {
            throw new InvalidOperationException($"{ModelId}: layer {_featureLayer} gave {_features.Total} values, expected {_embedding.Length}");
        }
    }

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
            _small.Dispose();
            _mirrored.Dispose();
            _blob.Dispose();
            _features.Dispose();
        }
    }
}
