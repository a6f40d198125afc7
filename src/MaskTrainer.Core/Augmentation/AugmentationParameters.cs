namespace MaskTrainer.Augmentation;

/// <summary>The random draws of one augmented copy (see <see cref="AugmentationOptions"/> for their ranges).</summary>
/// <param name="Flip">Mirrored left-right.</param>
/// <param name="RotationDegrees">Counter-clockwise rotation about the image centre.</param>
/// <param name="Zoom">Scale factor (&gt; 1 zooms in).</param>
/// <param name="Shear">Horizontal shear factor.</param>
/// <param name="Brightness">Multiplier of pixel values.</param>
/// <param name="Contrast">Multiplier of the distance from mid-grey.</param>
/// <param name="Camera">The camera effects (<see cref="CameraEffects"/>); null = none.</param>
public sealed record AugmentationParameters(bool Flip, double RotationDegrees, double Zoom, double Shear, double Brightness, double Contrast, CameraParameters? Camera = null)
{
    /// <summary>No change at all.</summary>
    public static AugmentationParameters Identity { get; } = new(false, 0, 1, 0, 1, 1);
}
