using System.Globalization;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using MaskTrainer.Onnx;
using OpenCvSharp;

namespace MaskTrainer.Features;

/// <summary>
/// A frozen ONNX backbone run through ONNX Runtime: BGR images in, one feature vector per image
/// out. What runs is the backbone's pixel graph (<see cref="PixelGraph"/>, made and cached by
/// <see cref="FeatureGraphs.PreparePixelGraph"/>): raw planar pixels in, preprocessing, the network
/// cut at its feature layer, pooling and flattening inside, so that ML.NET running the same file
/// (<see cref="BackboneEstimator"/>) computes the same features. Batches several images per
/// forward pass when the network allows it; networks whose graph fixes the batch at 1 are detected
/// on the first batched call and then run one image at a time.
/// Thread-safe: calls are serialised on the network (one pass already uses every core).
/// </summary>
public sealed class BackboneFeaturizer : IDisposable
{
    // Bump when the way features are computed changes (resize, tensor filling, engine), so caches
    // refill. 2: ONNX Runtime instead of OpenCV DNN (features agree to ~1e-6, not bit for bit).
    // 3: the pixel graph (preprocessing and pooling inside the graph; agree with 2 to ~1e-6).
    private const int AlgorithmVersion = 3;

    private readonly int _threads;
    private OnnxNet? _net; // loaded at the first image: a run whose features are all cached never needs it
    private BackboneException? _loadFailure; // reported again to every later call, not retried
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
    /// the network first, then its preprocessing graph if it has one). Each file is hashed and must
    /// match the spec's SHA-256; the pixel graph is made (or found in the cache), and ONNX Runtime
    /// loads it at the first image (a training run whose features are all cached needs no session);
    /// <see cref="FeatureSize"/>, measured when the graph was made, must match
    /// <see cref="ModelSpec.FeatureSize"/> when the spec gives one.
    /// </summary>
    /// <exception cref="BackboneException">Not an ONNX model, a file does not match, or the feature layer is missing or of the wrong size.</exception>
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

        if (backbone.Format != ModelFormat.Onnx)
        {
            throw new BackboneException($"model '{backbone.Id}' is a {backbone.Format} model; backbones must be ONNX (they run in ONNX Runtime)");
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
                throw new BackboneException(FileVerifier.DiscardDamaged(files[i], hashes[i], backbone, backbone.Files[i]));
            }
        }

        _layer = backbone.FeatureLayer;
        // The catalog says how its backbones are pooled; an explicit option overrides it.
        _pooling = options.Pooling != FeaturePooling.None ? options.Pooling : backbone.FeaturePooling;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        _maxBatch = options.MaxBatchSize;
        try
        {
            // The files were hashed (and checked against the spec) just before: no second pass.
            Graph = FeatureGraphs.PreparePixelGraphChecked(backbone with { FeaturePooling = _pooling }, files, hashes, cacheDirectory: null);
            if (_pooling == FeaturePooling.None && IsSpatial(Graph.LayerShape))
            {
                // A [C, H, W] map flattened gives C*H*W values that a linear head, on a few hundred
                // images, fits no better than chance (fr-pose's Relu_202: 50,176 values, log-loss
                // ln 2); averaged over H and W it gives C, as the catalog's pooled layers do.
                _pooling = FeaturePooling.GlobalAverage;
                PooledSpatialLayer = true;
                Graph = FeatureGraphs.PreparePixelGraphChecked(backbone with { FeaturePooling = _pooling }, files, hashes, cacheDirectory: null);
            }
        }
        catch (Exception e) when (e is OnnxNetException or OnnxGraphEditException)
        {
            throw new BackboneException($"{files[0]}: cannot load backbone '{backbone.Id}': {e.Message}", e);
        }

        _threads = options.Threads;
        SourcePath = files[0];
        _imageElements = Graph.ElementsPerImage;
        FeatureSize = Graph.FeatureSize;
        FeatureShape = Graph.LayerShape;
        if (backbone.FeatureSize is { } expected && expected != FeatureSize)
        {
            _scratch.Dispose();
            throw new BackboneException(
                $"{files[0]}: layer '{LayerName}' gives {FeatureSize} values per image{PoolingNote()}, model '{backbone.Id}' says {expected}");
        }

        // An 8-bit backbone computes other features from the same files: its graph's key (quantizer
        // version, ranges' fingerprint) joins the key; float backbones keep theirs as they were.
        CacheKey = string.Create(CultureInfo.InvariantCulture,
            $"backbone:v{AlgorithmVersion}|sha256:{string.Join('+', hashes)}|{Preprocessing.Describe()}|layer:{LayerName}|pool:{_pooling}|dim:{FeatureSize}{(backbone.Int8Ranges is null ? "" : $"|int8:{Graph.Key}")}");
    }

    /// <summary>
    /// Runs a pixel graph that is already made: the one a saved model embeds, whose sources may be
    /// gone (a user's own backbone file). Its preprocessing, cut and pooling are inside the graph,
    /// so <see cref="Backbone"/> describes only its raw-pixel input; <paramref name="cacheKey"/> is
    /// the key the graph's features were cached under when it was made.
    /// </summary>
    /// <param name="id">The backbone's id, for messages.</param>
    /// <param name="graph">The pixel graph (its file must stay in place while this featurizer is used).</param>
    /// <param name="cacheKey">Key of its features in a <see cref="BottleneckCache"/>.</param>
    /// <param name="options">Batch size and threads (its pooling is ignored: the graph has its own).</param>
    public static BackboneFeaturizer ForGraph(string id, PixelGraph graph, string cacheKey, BackboneFeaturizerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheKey);
        options ??= BackboneFeaturizerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        var rawPixels = new Preprocessing(graph.InputWidth, graph.InputHeight, graph.ChannelOrder, [0f, 0f, 0f], 1f, TensorLayout.Nchw);
        var spec = new ModelSpec
        {
            Id = id,
            Role = ModelRole.Backbone,
            Format = ModelFormat.Onnx,
            Files = [],
            Preprocessing = rawPixels,
            FeatureSize = graph.FeatureSize,
        };
        return new BackboneFeaturizer(spec, graph, cacheKey, options);
    }

    private BackboneFeaturizer(ModelSpec spec, PixelGraph graph, string cacheKey, BackboneFeaturizerOptions options)
    {
        Backbone = spec;
        Preprocessing = spec.Preprocessing!;
        Graph = graph;
        _pooling = FeaturePooling.None;
        _maxBatch = options.MaxBatchSize;
        _threads = options.Threads;
        SourcePath = graph.Path;
        _imageElements = graph.ElementsPerImage;
        FeatureSize = graph.FeatureSize;
        FeatureShape = graph.LayerShape;
        CacheKey = cacheKey;
    }

    /// <summary>The backbone's spec (preprocessing, feature layer, files).</summary>
    public ModelSpec Backbone { get; }

    /// <summary>The spec's input preprocessing (never null here).</summary>
    public Preprocessing Preprocessing { get; }

    /// <summary>The pixel graph this featurizer runs: hand it to <see cref="BackboneEstimator.Build"/> for the same features in ML.NET.</summary>
    public PixelGraph Graph { get; }

    /// <summary>
    /// True when the feature layer has spatial dimensions ([C, H, W], H x W above 1) and neither the
    /// spec nor the options pooled it: it was global-average pooled to C values (see <see cref="FeatureShape"/>).
    /// </summary>
    public bool PooledSpatialLayer { get; }

    /// <summary>Values per image, measured on the real layer output (after pooling, if any).</summary>
    public int FeatureSize { get; }

    /// <summary>Per-image shape of the feature layer's raw output, batch dimension removed (e.g. [1024] or [464, 7, 7]).</summary>
    public IReadOnlyList<int> FeatureShape { get; }

    /// <summary>
    /// Changes whenever the features this backbone produces could change: SHA-256 of every file,
    /// preprocessing (input size, channel order, mean, scale, std, layout, preprocessing graph),
    /// feature layer and pooling.
    /// </summary>
    public string CacheKey { get; }

    /// <summary>False once the network has refused a batch larger than one (then images run one by one).</summary>
    public bool SupportsBatching => !_batchingFailed;

    private string LayerName => _layer ?? "<last>";

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
    /// here (cv::resize, bilinear; <see cref="InputTensor.WritePixels"/>); callers that resize
    /// beforehand (e.g. on decoder threads) save that step. ML.NET gives the same features for
    /// images already at the input size (its ResizeImages resizes differently).
    /// </summary>
    /// <exception cref="BackboneException">ONNX Runtime cannot load the backbone (found at the first image), or its graph gives another number of values.</exception>
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
                    InputTensor.WritePixels(bgrImages[start + i], Graph, Net.Input(1), _scratch);
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
            _net?.Dispose();
            _scratch.Dispose();
        }
    }

    private bool TryForwardBatch(IReadOnlyList<Mat> images, int start, int n, Span<float> output)
    {
        Span<float> input;
        try
        {
            input = Net.Input(n);
        }
        catch (OnnxNetException)
        {
            // The graph fixes the batch size: one image per pass from now on.
            _batchingFailed = true;
            return false;
        }

        for (int i = 0; i < n; i++)
        {
            InputTensor.WritePixels(images[start + i], Graph, input.Slice(i * _imageElements, _imageElements), _scratch);
        }

        try
        {
            Net.Run(n);
        }
        catch (OnnxNetException)
        {
            // The graph has the batch size baked in (e.g. a reshape to [1, ...]); the session stays
            // usable, so fall back to one image per pass from now on.
            _batchingFailed = true;
            return false;
        }

        var raw = Net.Output(0);
        if (Net.OutputShape(0)[0] != n || raw.Length != n * FeatureSize)
        {
            // Batch accepted but folded into one row: the samples would be mixed. Same fallback.
            _batchingFailed = true;
            return false;
        }

        raw.CopyTo(output);
        return true;
    }

    private void Forward(int n, Span<float> output)
    {
        Net.Run(n);
        var raw = Net.Output(0);
        if (raw.Length != n * FeatureSize)
        {
            throw new BackboneException($"the pixel graph of '{Backbone.Id}' gave [{string.Join(", ", Net.OutputShape(0).ToArray())}] for {n} image(s); expected {FeatureSize} values each");
        }

        raw.CopyTo(output);
    }

    /// <summary>The backbone's network file (the first of its files), as errors name it.</summary>
    internal string SourcePath { get; }

    /// <summary>Whether the ONNX Runtime session has been loaded (for tests: a run whose features are all cached never loads it).</summary>
    internal bool IsSessionLoaded
    {
        get
        {
            lock (_gate)
            {
                return _net is not null;
            }
        }
    }

    /// <summary>The session, loaded on first use (under the lock, as every caller is).</summary>
    private OnnxNet Net
    {
        get
        {
            if (_net is null)
            {
                if (_loadFailure is not null)
                {
                    throw _loadFailure;
                }

                try
                {
                    _net = OnnxNet.Load(Graph.Path, _threads);
                }
                catch (OnnxNetException e)
                {
                    // As the constructor reported it when it loaded the session (OnnxNet's message names the graph file).
                    _loadFailure = new BackboneException($"{SourcePath}: cannot load backbone '{Backbone.Id}': {e.Message}", e);
                    throw _loadFailure;
                }
            }

            return _net;
        }
    }

    private static bool IsSpatial(IReadOnlyList<int> layerShape) => layerShape.Count == 3 && (long)layerShape[1] * layerShape[2] > 1;

    private string PoolingNote() => _pooling == FeaturePooling.None ? "" : $" after {_pooling} pooling";
}
