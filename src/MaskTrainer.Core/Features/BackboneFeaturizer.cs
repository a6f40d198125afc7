using System.Globalization;
using System.Numerics.Tensors;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using MaskTrainer.Onnx;
using OpenCvSharp;

namespace MaskTrainer.Features;

/// <summary>
/// A frozen ONNX backbone run through ONNX Runtime: BGR images in, one feature vector per image
/// out. The feature layer is an inner tensor, so ORT runs a copy of the graph cut there with a
/// symbolic batch (<see cref="FeatureGraphs"/>). Batches several images per forward pass when the
/// network allows it; networks whose graph fixes the batch at 1 (fr-pose's channel-shuffle
/// reshapes) are detected on the first batched call and then run one image at a time.
/// Thread-safe: calls are serialised on the network (one pass already uses every core).
/// </summary>
public sealed class BackboneFeaturizer : IDisposable
{
    // Bump when the way features are computed changes (resize, tensor filling, engine), so caches
    // refill. 2: ONNX Runtime instead of OpenCV DNN (features agree to ~1e-6, not bit for bit).
    private const int AlgorithmVersion = 2;

    private readonly OnnxNet _net;
    private readonly object _gate = new();
    private readonly string? _layer;
    private readonly FeaturePooling _pooling;
    private readonly int _imageElements;
    private readonly int _maxBatch;
    private readonly Mat _scratch = new();
    private bool _batchingFailed;
    private bool _disposed;

    /// <summary>
    /// Loads <paramref name="backbone"/> from local files (in <see cref="ModelSpec.Files"/> order:
    /// weights first, then the TensorFlow/Caffe text config). Each file is hashed and must match
    /// the spec's SHA-256; the feature layer is run once on a zero input to learn
    /// <see cref="FeatureSize"/>, which must match <see cref="ModelSpec.FeatureSize"/> when the spec gives one.
    /// </summary>
    /// <exception cref="BackboneException">Not a DNN model, a file does not match, or the feature layer is missing or of the wrong size.</exception>
    public BackboneFeaturizer(ModelSpec backbone, IReadOnlyList<string> files, BackboneFeaturizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(files);
        options ??= BackboneFeaturizerOptions.Default;
        Backbone = backbone;
        Preprocessing = backbone.Preprocessing
            ?? throw new BackboneException($"model '{backbone.Id}' has no preprocessing; it cannot be used as a backbone");
        if (files.Count == 0 || files.Count < backbone.Files.Count)
        {
            throw new ArgumentException($"model '{backbone.Id}' has {backbone.Files.Count} file(s), {files.Count} path(s) given", nameof(files));
        }

        var hashes = new string[backbone.Files.Count];
        for (int i = 0; i < hashes.Length; i++)
        {
            if (!File.Exists(files[i]))
            {
                throw new BackboneException($"{files[i]}: backbone file not found");
            }

            hashes[i] = FileHasher.Sha256(files[i]);
            if (hashes[i] != backbone.Files[i].Sha256)
            {
                throw new BackboneException($"{files[i]}: SHA-256 is {hashes[i]}, model '{backbone.Id}' expects {backbone.Files[i].Sha256} for {backbone.Files[i].Name}");
            }
        }

        _layer = backbone.FeatureLayer;
        // The catalog says how its backbones are pooled; an explicit option overrides it.
        _pooling = options.Pooling != FeaturePooling.None ? options.Pooling : backbone.FeaturePooling;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        _maxBatch = options.MaxBatchSize;
        _imageElements = InputTensor.ElementsPerImage(Preprocessing);
        _net = Load(backbone, files[0], hashes[0], _layer, options.Threads);
        try
        {
            var shape = MeasureFeatureShape(files[0]);
            FeatureShape = shape;
            RawSize = 1;
            foreach (int d in shape)
            {
                RawSize = checked(RawSize * d);
            }

            FeatureSize = _pooling == FeaturePooling.GlobalAverage ? shape[0] : RawSize;

            if (backbone.FeatureSize is { } expected && expected != FeatureSize)
            {
                throw new BackboneException(
                    $"{files[0]}: layer '{LayerName}' gives {FeatureSize} values per image{PoolingNote()}, model '{backbone.Id}' says {expected}");
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        CacheKey = string.Create(CultureInfo.InvariantCulture,
            $"backbone:v{AlgorithmVersion}|sha256:{string.Join('+', hashes)}|{Preprocessing.Describe()}|layer:{LayerName}|pool:{_pooling}|dim:{FeatureSize}");
    }

    /// <summary>The backbone's spec (preprocessing, feature layer, files).</summary>
    public ModelSpec Backbone { get; }

    /// <summary>The spec's input preprocessing (never null here).</summary>
    public Preprocessing Preprocessing { get; }

    /// <summary>Values per image, measured on the real layer output (after pooling, if any).</summary>
    public int FeatureSize { get; }

    /// <summary>Per-image shape of the feature layer's raw output, batch dimension removed (e.g. [1024] or [464, 7, 7]).</summary>
    public IReadOnlyList<int> FeatureShape { get; }

    /// <summary>
    /// Changes whenever the features this backbone produces could change: SHA-256 of every file,
    /// preprocessing (input size, channel order, mean, scale, std, layout), feature layer and pooling.
    /// </summary>
    public string CacheKey { get; }

    /// <summary>False once the network has refused a batch larger than one (then images run one by one).</summary>
    public bool SupportsBatching => !_batchingFailed;

    private string LayerName => _layer ?? "<last>";

    /// <summary>Values per image before pooling.</summary>
    private int RawSize { get; }

    /// <summary>Loads the spec's files through <paramref name="store"/> (verified, downloaded if allowed) and opens the backbone.</summary>
    public static BackboneFeaturizer Create(ModelSpec backbone, ModelStore store, BackboneFeaturizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(store);
        if (backbone.Role != ModelRole.Backbone)
        {
            throw new BackboneException($"model '{backbone.Id}' is a {backbone.Role}, not a backbone");
        }

        var paths = new string[backbone.Files.Count];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = store.GetFilePath(backbone, backbone.Files[i].Name);
        }

        return new BackboneFeaturizer(backbone, paths, options);
    }

    /// <summary>
    /// Features of <paramref name="bgrImages"/> into <paramref name="output"/>, row i =
    /// <c>output[i*FeatureSize .. (i+1)*FeatureSize)</c>. Images are resized to the input size
    /// here; callers that resize beforehand (e.g. on decoder threads) save that step.
    /// </summary>
    public void Featurize(IReadOnlyList<Mat> bgrImages, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(bgrImages);
        if (output.Length != (long)bgrImages.Count * FeatureSize)
        {
            throw new ArgumentException($"{bgrImages.Count} images need {(long)bgrImages.Count * FeatureSize} floats, output has {output.Length}", nameof(output));
        }

        if (bgrImages.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int start = 0; start < bgrImages.Count; start += _maxBatch)
            {
                int count = Math.Min(_maxBatch, bgrImages.Count - start);
                var part = output.Slice(start * FeatureSize, count * FeatureSize);
                if (count > 1 && !_batchingFailed && TryForwardBatch(bgrImages, start, count, part))
                {
                    continue;
                }

                for (int i = 0; i < count; i++)
                {
                    InputTensor.Write(bgrImages[start + i], Preprocessing, _net.Input(1), _scratch);
                    Forward(1, part.Slice(i * FeatureSize, FeatureSize));
                }
            }
        }
    }

    /// <summary>Features of one image.</summary>
    public float[] Featurize(Mat bgrImage)
    {
        ArgumentNullException.ThrowIfNull(bgrImage);
        var features = new float[FeatureSize];
        Featurize([bgrImage], features);
        return features;
    }

    /// <inheritdoc/>
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
            _scratch.Dispose();
        }
    }

    private static OnnxNet Load(ModelSpec spec, string file, string sha256, string? layer, int threads)
    {
        if (spec.Format != ModelFormat.Onnx)
        {
            throw new BackboneException($"model '{spec.Id}' is a {spec.Format} model; backbones must be ONNX (they run in ONNX Runtime)");
        }

        try
        {
            // The file was hashed (and checked against the spec) just before: no second pass.
            return OnnxNet.Load(FeatureGraphs.Prepare(file, layer, sha256), threads);
        }
        catch (Exception e) when (e is OnnxNetException or OnnxGraphEditException)
        {
            throw new BackboneException($"{file}: cannot load backbone '{spec.Id}': {e.Message}", e);
        }
    }

    /// <summary>One forward pass of a zero tensor: checks the layer runs and learns its real output shape.</summary>
    private int[] MeasureFeatureShape(string file)
    {
        _net.Input(1).Clear();
        try
        {
            _net.Run(1);
        }
        catch (OnnxNetException e)
        {
            throw new BackboneException($"{file}: cannot run to layer '{LayerName}' with a {Preprocessing.Describe()} input: {e.Message}", e);
        }

        var shape = Array.ConvertAll(_net.OutputShape(0).ToArray(), d => (int)d);
        if (shape.Length < 2 || shape[0] != 1)
        {
            // A 1-D output has no batch dimension; treat the whole output as the one image's features.
            return shape.Length == 1 ? shape : [_net.Output(0).Length];
        }

        var perImage = shape[1..];
        if (_pooling == FeaturePooling.GlobalAverage && perImage.Length != 3)
        {
            throw new BackboneException($"{file}: layer '{LayerName}' output is [{string.Join(", ", shape)}]; global average pooling needs [N, C, H, W]");
        }

        return perImage;
    }

    private bool TryForwardBatch(IReadOnlyList<Mat> images, int start, int n, Span<float> output)
    {
        Span<float> input;
        try
        {
            input = _net.Input(n);
        }
        catch (OnnxNetException)
        {
            // The graph fixes the batch size: one image per pass from now on.
            _batchingFailed = true;
            return false;
        }

        for (int i = 0; i < n; i++)
        {
            InputTensor.Write(images[start + i], Preprocessing, input.Slice(i * _imageElements, _imageElements), _scratch);
        }

        try
        {
            _net.Run(n);
        }
        catch (OnnxNetException)
        {
            // The graph has the batch size baked in (e.g. a reshape to [1, ...]); the session stays
            // usable, so fall back to one image per pass from now on.
            _batchingFailed = true;
            return false;
        }

        var raw = _net.Output(0);
        if (_net.OutputShape(0)[0] != n || raw.Length != n * RawSize)
        {
            // Batch accepted but folded into one row: the samples would be mixed. Same fallback.
            _batchingFailed = true;
            return false;
        }

        CopyOut(raw, n, output);
        return true;
    }

    private void Forward(int n, Span<float> output)
    {
        _net.Run(n);
        var raw = _net.Output(0);
        if (raw.Length != n * RawSize)
        {
            throw new BackboneException($"layer '{LayerName}' of '{Backbone.Id}' gave [{string.Join(", ", _net.OutputShape(0).ToArray())}] for {n} image(s); expected {RawSize} values each");
        }

        CopyOut(raw, n, output);
    }

    private void CopyOut(ReadOnlySpan<float> raw, int n, Span<float> output)
    {
        if (_pooling == FeaturePooling.None)
        {
            raw[..(n * FeatureSize)].CopyTo(output);
            return;
        }

        int channels = FeatureShape[0];
        int area = FeatureShape[1] * FeatureShape[2];
        float inverse = 1f / area;
        for (int i = 0; i < n * channels; i++)
        {
            output[i] = TensorPrimitives.Sum(raw.Slice(i * area, area)) * inverse;
        }
    }

    private string PoolingNote() => _pooling == FeaturePooling.None ? "" : $" after {_pooling} pooling";
}
