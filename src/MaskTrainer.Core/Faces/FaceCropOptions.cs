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

    /// <summary>
    /// Fill the margin (everything outside the face box) with mid-grey (default false). Dataset
    /// images are often tight crops whose margin is replicated border, while faces in scenes have
    /// real surroundings there: a head that sees the margin can learn that difference instead
    /// of the mask. Blanking keeps the face at the margin's scale but shows the head no context.
    /// </summary>
    public bool BlankMargin { get; init; }

    /// <summary>Default options: margin 0.2, square, context kept.</summary>
    public static FaceCropOptions Default { get; } = new();

    /// <summary>
    /// What training uses unless told otherwise: the default with <see cref="BlankMargin"/> on.
    /// Measured (bench training, mask-sample test split pasted into photos whose faces are
    /// pixelated): with the margin's context, bare faces in scenes were called masked (recall
    /// 0.817, accuracy 0.900); blanked, accuracy 0.975 with the same test accuracy (0.9875).
    /// </summary>
    public static FaceCropOptions Training { get; } = new() { BlankMargin = true };
}
