namespace MaskTrainer.Faces;

/// <summary>
/// How a detected face box becomes the image the classifier sees. Shared by training,
/// evaluation and the detector app so that the head is always fed the same framing.
/// </summary>
public sealed record FaceCropOptions
{
    /// <summary>Context added on every side, as a fraction of the box size (default 0.2).</summary>
    public float Margin { get; init; } = 0.2f;

    /// <summary>Make the crop square around the box centre (default true): backbones take square inputs.</summary>
    public bool Square { get; init; } = true;

    /// <summary>Default options.</summary>
    public static FaceCropOptions Default { get; } = new();
}
