namespace MaskTrainer.Serialization;

/// <summary>
/// How an image becomes the backbone's input (OpenCV blobFromImage semantics:
/// <c>(pixel - Mean) * Scale</c>, then divided by <see cref="Std"/> when given) and where the
/// features are read.
/// </summary>
public sealed record PreprocessingInfo
{
    /// <summary>Network input width in pixels.</summary>
    public int InputWidth { get; init; }

    /// <summary>Network input height in pixels.</summary>
    public int InputHeight { get; init; }

    /// <summary>"RGB" or "BGR": the channel order the network expects. Default "RGB".</summary>
    public string ChannelOrder { get; init; } = "RGB";

    /// <summary>Per-channel mean subtracted from 0..255 pixels, in <see cref="ChannelOrder"/>. Default zeros.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [0f, 0f, 0f];

    /// <summary>Multiplier applied after the mean is subtracted. Default 1.</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Optional per-channel divisor applied after scaling (ImageNet-style normalisation); null for none.</summary>
    public IReadOnlyList<float>? Std { get; init; }

    /// <summary>"NCHW" or "NHWC". Default "NCHW".</summary>
    public string Layout { get; init; } = "NCHW";

    /// <summary>Name of the layer whose output is the feature vector; null for the network's default output.</summary>
    public string? FeatureLayer { get; init; }

    /// <summary>Length of the (flattened) feature vector the head consumes.</summary>
    public int FeatureSize { get; init; }
}
