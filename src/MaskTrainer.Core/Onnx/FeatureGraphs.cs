using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MaskTrainer.Features;
using MaskTrainer.Models;

namespace MaskTrainer.Onnx;

/// <summary>
/// ONNX Runtime returns only a graph's outputs, so a backbone's feature layer (an inner tensor)
/// is reached through an edited copy of the model whose output it is, with the batch dimension
/// made symbolic. The copy is made once per source file (keyed by its SHA-256) in the model
/// store's cache, folder <c>graphs/</c>, and reused by every later run. <see cref="PreparePixelGraph"/>
/// goes further: one file with the preprocessing in front and the pooling behind.
/// </summary>
public static class FeatureGraphs
{
    // Part of the pixel graphs' cache key: bump it whenever their composition changes.
    private const string PixelGraphVersion = "1";

    /// <summary>
    /// The path of <paramref name="modelPath"/>'s graph cut at <paramref name="layer"/> (a tensor
    /// name, or OpenCV's "onnx_node!Node" form; null = keep the graph's own outputs), batch
    /// symbolic; made now if not cached yet. <paramref name="sha256"/> is the file's hash when the
    /// caller has it already (computed here otherwise); <paramref name="cacheDirectory"/> defaults
    /// to the store's cache (<see cref="ModelStoreOptions"/>).
    /// </summary>
    public static string Prepare(string modelPath, string? layer, string? sha256 = null, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new OnnxNetException($"{modelPath}: model file not found");
        }

        var cache = CacheDirectory(cacheDirectory);
        return OnnxGraphEdit.Prepare(modelPath, sha256 ?? FileHasher.Sha256(modelPath), layer is null ? [] : [layer], symbolicBatch: true, cache);
    }

    /// <summary>
    /// The pixel graph of <paramref name="backbone"/> (see <see cref="PixelGraph"/>): input
    /// <c>pixels</c> float [N, 3, H, W] of raw 0..255 values, planes in the spec's channel order;
    /// output <c>features</c> float [N, D]. Inside: the spec's preprocessing (its preprocessing
    /// graph, or its mean/scale/std), the network cut at <see cref="ModelSpec.FeatureLayer"/>,
    /// global average pooling when <see cref="ModelSpec.FeaturePooling"/> says so, and a Flatten.
    /// Made once, with one forward pass on a zero image to measure D, and cached in
    /// <paramref name="cacheDirectory"/> (default: the store cache's <c>graphs/</c>) under a name
    /// holding the SHA-256 of every source file and of the edit; later calls only read its metadata.
    /// </summary>
    /// <param name="backbone">An ONNX backbone with preprocessing.</param>
    /// <param name="files">Local paths of the spec's files, in <see cref="ModelSpec.Files"/> order; each is hashed and checked.</param>
    /// <param name="cacheDirectory">Where pixel graphs live; created when missing.</param>
    /// <exception cref="OnnxGraphEditException">A file is missing or does not match the spec, or the graph cannot be composed or run.</exception>
    public static PixelGraph PreparePixelGraph(ModelSpec backbone, IReadOnlyList<string> files, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(files);
        CheckFileCount(backbone, files);
        var hashes = new string[backbone.Files.Count];
        for (var i = 0; i < hashes.Length; i++)
        {
            if (!File.Exists(files[i]))
            {
                throw new OnnxGraphEditException($"{files[i]}: model file not found");
            }

            hashes[i] = FileHasher.Sha256(files[i]);
            if (hashes[i] != backbone.Files[i].Sha256)
            {
                throw new OnnxGraphEditException(FileVerifier.DiscardDamaged(files[i], hashes[i], backbone, backbone.Files[i]));
            }
        }

        return PreparePixelGraphChecked(backbone, files, hashes, cacheDirectory);
    }

    /// <summary><see cref="PreparePixelGraph(ModelSpec, IReadOnlyList{string}, string?)"/> with the files' SHA-256s known (checked by the caller against the spec).</summary>
    internal static PixelGraph PreparePixelGraphChecked(ModelSpec backbone, IReadOnlyList<string> files, IReadOnlyList<string> sha256s, string? cacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(sha256s);
        CheckFileCount(backbone, files);
        if (backbone.Format != ModelFormat.Onnx)
        {
            throw new OnnxGraphEditException($"model '{backbone.Id}' is a {backbone.Format} model; pixel graphs are made from ONNX networks");
        }

        var p = backbone.Preprocessing
            ?? throw new OnnxGraphEditException($"model '{backbone.Id}' has no preprocessing");
        int prepIndex = -1;
        if (p.Model is { } prepName)
        {
            prepIndex = IndexOf(backbone, prepName);
            if (prepIndex <= 0)
            {
                throw new OnnxGraphEditException($"model '{backbone.Id}': preprocessing model '{prepName}' is not one of its files after the network");
            }
        }

        var description = Describe(backbone, sha256s);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)).AsSpan(0, 8));
        var cache = CacheDirectory(cacheDirectory);
        var stem = Path.GetFileNameWithoutExtension(backbone.Files[0].Name);
        var target = Path.Combine(cache, $"{stem}.{sha256s[0][..16]}.pixels-{key}.onnx");

        if (GraphCache.IsIntact(target) && PixelGraphBuilder.ReadMetadata(target) is { } known)
        {
            // The name holds the sources' hashes and the edit, and the bytes are the ones written: this very graph.
            return Graph(target, p, known.FeatureSize, known.LayerShape, key);
        }

        var network = ReadChecked(files[0], sha256s[0]);
        var prep = prepIndex > 0 ? ReadChecked(files[prepIndex], sha256s[prepIndex]) : null;
        var built = PixelGraphBuilder.Build(network, files[0], backbone.FeatureLayer, p, backbone.FeaturePooling,
            prep, prepIndex > 0 ? files[prepIndex] : null, description);

        var bytes = built.Model;
        if (backbone.Int8Ranges is { } rangesName)
        {
            bytes = Int8Quantizer.Quantize(Int8Quantizer.Fold(bytes, target), Int8Ranges.Embedded(rangesName), target);

            // Run once, as the float graph was, before it is cached: a graph ONNX Runtime rejects, or
            // one whose outputs changed shape, must not be reused as this one.
            var (features, _) = PixelGraphBuilder.Measure(bytes, target, p.InputWidth, p.InputHeight, backbone.FeatureLayer, p);
            if (features.Length != 2 || features[1] != built.FeatureSize)
            {
                throw new OnnxGraphEditException($"{target}: the 8-bit graph gives features of shape [{string.Join(", ", features)}], the float one {built.FeatureSize} values");
            }
        }

        // Replaces a file that is there but damaged or unreadable: it cannot be this graph.
        GraphCache.Write(target, bytes);
        return Graph(target, p, built.FeatureSize, built.LayerShape, key);
    }

    /// <summary>The text the pixel graph's cache key hashes: everything that shapes the graph.</summary>
    internal static string Describe(ModelSpec backbone, IReadOnlyList<string> sha256s)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"pixel-graph v{PixelGraphVersion}\n");
        for (var i = 0; i < backbone.Files.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"file {backbone.Files[i].Name} {sha256s[i]}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"preprocessing {backbone.Preprocessing?.Describe()}\n");
        text.Append(CultureInfo.InvariantCulture, $"layer {backbone.FeatureLayer ?? "<last>"}\n");
        text.Append(CultureInfo.InvariantCulture, $"pooling {backbone.FeaturePooling}\n");
        if (backbone.Int8Ranges is { } ranges)
        {
            // Only quantized graphs get this line, so the float graphs keep their cache keys.
            text.Append(CultureInfo.InvariantCulture, $"int8 v{Int8Quantizer.Version} {ranges} {Int8Ranges.Embedded(ranges).Fingerprint}\n");
        }

        return text.ToString();
    }

    private static PixelGraph Graph(string path, Preprocessing p, int featureSize, int[] layerShape, string key) =>
        new(path, PixelGraph.PixelsName, PixelGraph.FeaturesName, p.InputWidth, p.InputHeight, p.ChannelOrder, featureSize, layerShape, key);

    private static void CheckFileCount(ModelSpec backbone, IReadOnlyList<string> files)
    {
        if (files.Count == 0 || files.Count < backbone.Files.Count)
        {
            throw new ArgumentException($"model '{backbone.Id}' has {backbone.Files.Count} file(s), {files.Count} path(s) given", nameof(files));
        }
    }

    private static int IndexOf(ModelSpec backbone, string fileName)
    {
        for (var i = 0; i < backbone.Files.Count; i++)
        {
            if (backbone.Files[i].Name == fileName)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The file's bytes, re-checked against the hash the cache key was made from (it could have changed since it was hashed).</summary>
    internal static byte[] ReadChecked(string path, string sha256)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxGraphEditException($"{path}: cannot read: {e.Message}", e);
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!actual.Equals(sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new OnnxGraphEditException($"{path}: SHA-256 is {actual}, not the expected {sha256.ToLowerInvariant()}");
        }

        return bytes;
    }

    internal static string CacheDirectory(string? cacheDirectory)
    {
        var cache = cacheDirectory ?? Path.Combine(ModelStoreOptions.DefaultCacheDirectory(Environment.GetEnvironmentVariable), StoreLayout.GraphsFolderName);
        return ModelCacheException.Writing(cache, () => Directory.CreateDirectory(cache).FullName);
    }
}
