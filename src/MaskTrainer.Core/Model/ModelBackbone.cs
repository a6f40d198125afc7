using System.IO.Compression;
using System.Security.Cryptography;
using MaskTrainer.Features;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using Microsoft.ML;

namespace MaskTrainer.Model;

/// <summary>
/// The batched ONNX Runtime featurizer of a saved model's backbone, for work over many images
/// (evaluate, benchmarks): the same pixel graph as the model's ApplyOnnxModel step, run 16 images
/// per pass on every core instead of ML.NET's one row at a time.
/// </summary>
public static class ModelBackbone
{
    // ML.NET's name for the zip entry in which ApplyOnnxModel saves its graph (OnnxTransformer.SaveModel).
    private const string OnnxModelEntry = "OnnxModel";

    /// <summary>
    /// Opens the catalog backbone the model was trained with when the store has it and it computes
    /// the same features (its pixel graph is cached already); otherwise the pixel graph embedded in
    /// the model itself, which is what the model's ApplyOnnxModel step runs: a model trained with a
    /// user's own backbone file, or whose catalog backbone cannot be had (offline) or has changed
    /// since, is scored as predict scores it.
    /// </summary>
    /// <exception cref="ModelFileException">The model holds no pixel graph ML.NET's way, or one of another size than its metadata says.</exception>
    public static BackboneFeaturizer OpenFeaturizer(MaskModel model, ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        var id = model.Metadata.Backbone.Id;
        if (!ModelCatalog.Default.TryGet(id, out var spec))
        {
            return OpenEmbedded(model);
        }

        BackboneFeaturizer featurizer;
        try
        {
            featurizer = BackboneFeaturizer.Create(spec, store);
        }
        catch (ModelException)
        {
            // Not in the store and not downloadable now (offline), or damaged: the model has its own copy.
            return OpenEmbedded(model);
        }

        var expected = model.Metadata.Backbone.CacheKey;
        if (expected.Length > 0 && featurizer.CacheKey != expected)
        {
            // The catalog's backbone computes other features than when the model was trained: the graph the model carries does not.
            featurizer.Dispose();
            return OpenEmbedded(model);
        }

        return featurizer;
    }

    /// <summary>
    /// The featurizer of the pixel graph the model embeds, written once to the graphs cache (named
    /// by its bytes' SHA-256) for ONNX Runtime to load; its features are cached under the model's cache key.
    /// </summary>
    internal static BackboneFeaturizer OpenEmbedded(MaskModel model)
    {
        var identity = model.Metadata.Backbone;
        var bytes = EmbeddedGraph(model);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var path = Path.Combine(FeatureGraphs.CacheDirectory(null), $"model-graph.{sha256[..16]}.pixels.onnx");
        if (!GraphCache.IsIntact(path))
        {
            GraphCache.Write(path, bytes);
        }

        // Pixel graphs record what one pass measured; the ML.NET model was checked against the metadata at load.
        var measured = PixelGraphBuilder.ReadMetadata(path);
        int featureSize = measured?.FeatureSize ?? identity.FeatureSize;
        if (featureSize != identity.FeatureSize)
        {
            throw new ModelFileException(identity.Id, $"the model's backbone graph gives {featureSize} values per image, its metadata says {identity.FeatureSize}");
        }

        var graph = new PixelGraph(path, PixelGraph.PixelsName, PixelGraph.FeaturesName, identity.InputWidth, identity.InputHeight,
            ChannelOrderOf(path, identity.Id), featureSize, measured?.LayerShape ?? [featureSize], identity.GraphKey.Length > 0 ? identity.GraphKey : sha256[..16]);
        var cacheKey = identity.CacheKey.Length > 0 ? identity.CacheKey : $"model-graph|sha256:{sha256}";
        return BackboneFeaturizer.ForGraph(identity.Id, graph, cacheKey);
    }

    /// <summary>
    /// The bytes of the ApplyOnnxModel step's graph: ML.NET saves the graph in the model zip (and
    /// keeps no public handle on it once loaded), so the featurizer part is saved again and its
    /// entry read (ML.NET's byte array: a 32-bit length, then the bytes).
    /// </summary>
    private static byte[] EmbeddedGraph(MaskModel model)
    {
        var id = model.Metadata.Backbone.Id;
        using var buffer = new MemoryStream();
        var input = model.Context.Data.LoadFromEnumerable(Array.Empty<ModelInput>()).Schema;
        using (model.Use()) // the save reads the featurizer's ONNX model, which Dispose frees: a Dispose on another thread waits for it, and a disposed model says so
        {
            model.Context.Model.Save(model.Featurizer, input, buffer);
        }

        buffer.Position = 0;
        using var zip = new ZipArchive(buffer, ZipArchiveMode.Read);
        var entries = zip.Entries.Where(e => e.Name == OnnxModelEntry).ToList();
        if (entries.Count != 1)
        {
            throw new ModelFileException(id, $"the ML.NET model has {entries.Count} ONNX graphs in its featurizer, not the one backbone graph of a MaskTrainer model");
        }

        using var stream = entries[0].Open();
        using var reader = new BinaryReader(stream);
        int length = reader.ReadInt32();
        var bytes = length > 0 ? reader.ReadBytes(length) : [];
        if (length <= 0 || bytes.Length != length)
        {
            throw new ModelFileException(id, "the model's backbone graph is empty or truncated");
        }

        return bytes;
    }

    /// <summary>
    /// The plane order the graph takes, as its description records it. ML.NET's ExtractPixels step
    /// feeds it in that order (<see cref="BackboneEstimator.ColorsOrder"/>) but does not expose its
    /// settings; the graph was made with the same preprocessing.
    /// </summary>
    private static ChannelOrder ChannelOrderOf(string graphPath, string id) =>
        PixelGraphBuilder.ReadChannelOrder(graphPath)
        ?? throw new ModelFileException(id, "the model's backbone graph does not record its input's channel order (not a MaskTrainer pixel graph)");
}
