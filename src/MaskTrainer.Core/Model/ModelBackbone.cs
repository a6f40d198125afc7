using MaskTrainer.Features;
using MaskTrainer.Models;

namespace MaskTrainer.Model;

/// <summary>
/// The batched ONNX Runtime featurizer of a saved model's backbone, for work over many images
/// (evaluate, benchmarks): the same pixel graph as the model's ApplyOnnxModel step, run 16 images
/// per pass on every core instead of ML.NET's one row at a time.
/// </summary>
public static class ModelBackbone
{
    /// <summary>Opens the catalog backbone the model was trained with and checks it computes the same features.</summary>
    /// <exception cref="ModelFileException">The backbone is not in the catalog, or its graph differs from the one in the model.</exception>
    public static BackboneFeaturizer OpenFeaturizer(MaskModel model, ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        var id = model.Metadata.Backbone.Id;
        if (!ModelCatalog.Default.TryGet(id, out var spec))
        {
            throw new ModelFileException(id, "the model's backbone is not in the catalog; batched featurizing needs a catalog backbone");
        }

        var featurizer = BackboneFeaturizer.Create(spec, store);
        var expected = model.Metadata.Backbone.CacheKey;
        if (expected.Length > 0 && featurizer.CacheKey != expected)
        {
            featurizer.Dispose();
            throw new ModelFileException(id, $"the backbone computes features differently from the one the model was trained with ({featurizer.CacheKey} vs {expected}); retrain the model");
        }

        return featurizer;
    }
}
