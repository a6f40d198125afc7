namespace MaskTrainer.Features;

/// <summary>What to do with a feature layer that still has spatial dimensions.</summary>
public enum FeaturePooling
{
    /// <summary>Use the layer's output as is, flattened (e.g. [N,1024,1,1] gives 1024 values).</summary>
    None,

    /// <summary>
    /// Average over the spatial dimensions of an [N,C,H,W] output, giving C values (what the
    /// catalog backbones' own pooling layers do); lets an earlier convolutional layer be used
    /// without storing C×H×W values per image.
    /// </summary>
    GlobalAverage,
}
