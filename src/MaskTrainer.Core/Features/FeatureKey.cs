namespace MaskTrainer.Features;

/// <summary>
/// Identifies one cached feature vector: which backbone computed it, from which face crop, of
/// which image file (by content, so renamed or copied files hit the cache), and which copy
/// (0 = the image itself, k ≥ 1 = augmented copy k, which also depends on <see cref="AugmentationKey"/>).
/// </summary>
/// <param name="BackboneKey"><see cref="BackboneFeaturizer.CacheKey"/>.</param>
/// <param name="FaceCropKey"><see cref="Faces.FaceCropStage.CacheKey"/>, or <see cref="NoFaceCrop"/>.</param>
/// <param name="AugmentationKey"><see cref="Augmentation.ImageAugmenter.CacheKey"/>; needed when <paramref name="AugmentIndex"/> &gt; 0, ignored for 0.</param>
/// <param name="ContentHash">Hex SHA-256 of the image file (<see cref="Data.ImageExample.ContentHash"/>).</param>
/// <param name="AugmentIndex">0 for the image itself, k for augmented copy k.</param>
public readonly record struct FeatureKey(string BackboneKey, string FaceCropKey, string? AugmentationKey, string ContentHash, int AugmentIndex)
{
    /// <summary>The face-crop key of images used whole (no face detection).</summary>
    public const string NoFaceCrop = "none";
}
