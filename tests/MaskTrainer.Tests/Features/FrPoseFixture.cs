using MaskTrainer.Features;
using MaskTrainer.Models;

namespace MaskTrainer.Tests.Features;

/// <summary>One fr-pose featurizer shared by a test class (loading hashes and runs the model once).</summary>
public sealed class FrPoseFixture : IDisposable
{
    private readonly Lazy<BackboneFeaturizer> _featurizer = new(() =>
    {
        using var store = FeaturesTestData.Store();
        return BackboneFeaturizer.Create(ModelCatalog.Default.Get("fr-pose"), store);
    });

    /// <summary>True when the model and images exist (tests are skipped otherwise, before touching this).</summary>
    public static bool Available =>
        SharedData.SkipReason(FeaturesTestData.FrPose, FeaturesTestData.MaskSample) is null;

    public BackboneFeaturizer Featurizer => _featurizer.Value;

    public void Dispose()
    {
        if (_featurizer.IsValueCreated)
        {
            _featurizer.Value.Dispose();
        }
    }
}
