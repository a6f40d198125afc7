namespace MaskTrainer.Features;

/// <summary>
/// Options of <see cref="BackboneFeaturizer"/>, with documented defaults. The layer and the input
/// size come from the <see cref="Models.ModelSpec"/>; to try another one, pass
/// <c>spec with { FeatureLayer = ..., Preprocessing = ... }</c>.
/// </summary>
public sealed record BackboneFeaturizerOptions
{
    /// <summary>Default options.</summary>
    public static BackboneFeaturizerOptions Default { get; } = new();

    /// <summary>Spatial pooling of the feature layer's output (default <see cref="FeaturePooling.None"/>).</summary>
    public FeaturePooling Pooling { get; init; } = FeaturePooling.None;
}
