using MaskTrainer.Models;

namespace MaskTrainer.Onnx;

/// <summary>
/// ONNX Runtime returns only a graph's outputs, so a backbone's feature layer (an inner tensor)
/// is reached through an edited copy of the model whose output it is, with the batch dimension
/// made symbolic. The copy is made once per source file (keyed by its SHA-256) in the model
/// store's cache, folder <c>graphs/</c>, and reused by every later run.
/// </summary>
public static class FeatureGraphs
{
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

        var cache = cacheDirectory ?? Path.Combine(ModelStoreOptions.DefaultCacheDirectory(Environment.GetEnvironmentVariable), "graphs");
        Directory.CreateDirectory(cache);
        return OnnxGraphEdit.Prepare(modelPath, sha256 ?? FileHasher.Sha256(modelPath), layer is null ? [] : [layer], symbolicBatch: true, cache);
    }
}
