using System.Globalization;

namespace MaskTrainer.Augmentation;

/// <summary>
/// Random image augmentation in the spirit of Keras' ImageDataGenerator: each augmented copy
/// gets its own random horizontal flip, rotation, zoom, shear, brightness and contrast, drawn
/// uniformly within the limits below, then what a camera does to a face far away or in poor light
/// (<see cref="Camera"/>); before all that, scene content where the face box runs past the photo
/// (<see cref="SceneFillProbability"/>). Off by default here (<see cref="Copies"/> = 0; training turns two
/// copies on: <c>MaskTrainingOptions.Augmentation</c>). Everything is seeded: copy k of an image is the same in every run.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Default options (augmentation off).</summary>
    public static AugmentationOptions Default { get; } = new();

    /// <summary>Augmented copies per training image, on top of the image itself; 0 (default) = off.</summary>
    public int Copies { get; init; }

    /// <summary>Mirror left-right with probability 1/2 (default true): faces are roughly symmetric.</summary>
    public bool FlipHorizontal { get; init; } = true;

    /// <summary>Largest rotation either way, in degrees (default 10).</summary>
    public double MaxRotationDegrees { get; init; } = 10;

    /// <summary>Largest zoom in or out as a fraction: scale drawn from [1 − z, 1 + z] (default 0.1).</summary>
    public double MaxZoom { get; init; } = 0.1;

    /// <summary>Largest horizontal shear factor (x += s·y), either way (default 0.1, about 5.7°).</summary>
    public double MaxShear { get; init; } = 0.1;

    /// <summary>Largest brightness change: pixel values multiplied by a factor in [1 − b, 1 + b] (default 0.2).</summary>
    public double MaxBrightness { get; init; } = 0.2;

    /// <summary>Largest contrast change: distance from mid-grey (128) multiplied by a factor in [1 − c, 1 + c] (default 0.2).</summary>
    public double MaxContrast { get; init; } = 0.2;

    /// <summary>Camera effects (small, blurred, dark, noisy, JPEG) drawn for each copy; <see cref="CameraEffects.None"/> turns them off.</summary>
    public CameraEffects Camera { get; init; } = CameraEffects.Default;

    /// <summary>
    /// Share of copies (default 0.5) whose face box, where it runs past the source photo, shows
    /// procedural scene content (<see cref="SceneFill"/>) instead of the photo's replicated border,
    /// as a camera would show neck, clothes or background there. Only that part of the crop changes,
    /// so copies of photos that hold the whole box are untouched; 0 turns it off (docs/small-faces.md has the figures).
    /// </summary>
    public double SceneFillProbability { get; init; } = 0.5;

    /// <summary>Seed of the random draws (default 42).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Copies, nameof(Copies));
        Check(MaxRotationDegrees, 180, nameof(MaxRotationDegrees));
        Check(MaxZoom, 0.9, nameof(MaxZoom));
        Check(MaxShear, 1, nameof(MaxShear));
        Check(MaxBrightness, 1, nameof(MaxBrightness));
        Check(MaxContrast, 1, nameof(MaxContrast));
        Check(SceneFillProbability, 1, nameof(SceneFillProbability));
        ArgumentNullException.ThrowIfNull(Camera, nameof(Camera));
        Camera.Validate();
    }

    /// <summary>One line for logs, e.g. <c>2 copies: flip, ±10°, zoom ±0.1, shear ±0.1, brightness ±0.2, contrast ±0.2, camera: …, scene beyond the photo 50 %, seed 42</c>.</summary>
    public string Describe() => Copies == 0
        ? "off"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Copies} {(Copies == 1 ? "copy" : "copies")}: {(FlipHorizontal ? "flip, " : "")}±{MaxRotationDegrees}°, zoom ±{MaxZoom}, shear ±{MaxShear}, brightness ±{MaxBrightness}, contrast ±{MaxContrast}, {Camera.Describe()}, scene beyond the photo {SceneFillProbability:P0}, seed {Seed}");

    private static void Check(double value, double max, string name)
    {
        if (!(value >= 0 && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 0 and {max.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
