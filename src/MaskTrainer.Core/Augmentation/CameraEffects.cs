using System.Globalization;

namespace MaskTrainer.Augmentation;

/// <summary>
/// What a camera does to a face far away or in poor light, drawn independently for every augmented
/// copy of both classes alike, so that size, sharpness and light carry no label. Public mask
/// datasets pair sharp, well-lit bare close-ups with masked faces of every size and light; a head
/// trained on them learns "small, soft or dark = masked" and lets bare faces at a distance through.
/// Each effect happens to a copy with its own probability; the defaults were chosen with
/// <c>bench small-faces</c> (see docs/small-faces.md).
/// </summary>
public sealed record CameraEffects
{
    /// <summary>The default effects.</summary>
    public static CameraEffects Default { get; } = new();

    /// <summary>No camera effect at all (only the geometric and brightness/contrast augmentation).</summary>
    public static CameraEffects None { get; } = new()
    {
        SmallFaceProbability = 0, BlurProbability = 0, MotionBlurProbability = 0, LowLightProbability = 0,
        ColourCastProbability = 0, NoiseProbability = 0, JpegProbability = 0,
    };

    /// <summary>
    /// Share of copies shown as a distant face (default 0.6): shrunk with an area filter, as a sensor
    /// integrates, until the face is <see cref="MinFaceWidth"/>–<see cref="MaxFaceWidth"/> px wide
    /// (log-uniform), and left that small: the featurizer then enlarges it with the same OpenCV
    /// resize the detector app uses on a small face.
    /// </summary>
    public double SmallFaceProbability { get; init; } = 0.6;

    /// <summary>Smallest face width of a distant copy, in pixels (default 12).</summary>
    public int MinFaceWidth { get; init; } = 12;

    /// <summary>Largest face width of a distant copy, in pixels (default 80).</summary>
    public int MaxFaceWidth { get; init; } = 80;

    /// <summary>Share of copies out of focus (default 0.3): Gaussian blur, σ up to <see cref="MaxBlurSigma"/> sensor pixels.</summary>
    public double BlurProbability { get; init; } = 0.3;

    /// <summary>Largest out-of-focus blur σ, in pixels of the (possibly shrunk) copy (default 1.2).</summary>
    public double MaxBlurSigma { get; init; } = 1.2;

    /// <summary>Share of copies with motion blur (default 0.15): a line kernel of 2 to <see cref="MaxMotionBlurLength"/> pixels at a random angle.</summary>
    public double MotionBlurProbability { get; init; } = 0.15;

    /// <summary>Longest motion-blur streak, in pixels of the (possibly shrunk) copy (default 5).</summary>
    public int MaxMotionBlurLength { get; init; } = 5;

    /// <summary>
    /// Share of copies in poor or harsh light (default 0.4): exposure × [<see cref="MinExposure"/>, 1]
    /// and a gamma drawn log-uniformly in [1 / <see cref="MaxGamma"/>, <see cref="MaxGamma"/>] (above 1 darkens the shadows).
    /// </summary>
    public double LowLightProbability { get; init; } = 0.4;

    /// <summary>Darkest exposure factor of a poor-light copy (default 0.35).</summary>
    public double MinExposure { get; init; } = 0.35;

    /// <summary>Strongest gamma either way (default 2.5).</summary>
    public double MaxGamma { get; init; } = 2.5;

    /// <summary>Share of copies with a colour cast (default 0.3): each channel's gain in [1 − c, 1 + c] (stage light, sodium lamps, white balance).</summary>
    public double ColourCastProbability { get; init; } = 0.3;

    /// <summary>Largest colour-cast gain change c (default 0.2).</summary>
    public double MaxColourCast { get; init; } = 0.2;

    /// <summary>Share of copies with sensor noise (default 0.4): Gaussian, σ up to <see cref="MaxNoiseSigma"/> grey levels.</summary>
    public double NoiseProbability { get; init; } = 0.4;

    /// <summary>Largest sensor-noise σ, in grey levels of 255 (default 10).</summary>
    public double MaxNoiseSigma { get; init; } = 10;

    /// <summary>Share of copies re-compressed as JPEG (default 0.5), quality in [<see cref="MinJpegQuality"/>, 95].</summary>
    public double JpegProbability { get; init; } = 0.5;

    /// <summary>Lowest JPEG quality (default 25).</summary>
    public int MinJpegQuality { get; init; } = 25;

    /// <summary>True when no effect can ever happen.</summary>
    public bool IsNone => SmallFaceProbability == 0 && BlurProbability == 0 && MotionBlurProbability == 0 && LowLightProbability == 0
        && ColourCastProbability == 0 && NoiseProbability == 0 && JpegProbability == 0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Probability(SmallFaceProbability, nameof(SmallFaceProbability));
        Probability(BlurProbability, nameof(BlurProbability));
        Probability(MotionBlurProbability, nameof(MotionBlurProbability));
        Probability(LowLightProbability, nameof(LowLightProbability));
        Probability(ColourCastProbability, nameof(ColourCastProbability));
        Probability(NoiseProbability, nameof(NoiseProbability));
        Probability(JpegProbability, nameof(JpegProbability));
        if (MinFaceWidth < 4 || MaxFaceWidth < MinFaceWidth)
        {
            throw new ArgumentOutOfRangeException(nameof(MinFaceWidth), MinFaceWidth, $"MinFaceWidth must be at least 4 and at most MaxFaceWidth ({MaxFaceWidth})");
        }

        Range(MaxBlurSigma, 0, 10, nameof(MaxBlurSigma));
        Range(MaxMotionBlurLength, 2, 50, nameof(MaxMotionBlurLength));
        Range(MinExposure, 0.05, 1, nameof(MinExposure));
        Range(MaxGamma, 1, 5, nameof(MaxGamma));
        Range(MaxColourCast, 0, 0.9, nameof(MaxColourCast));
        Range(MaxNoiseSigma, 0, 100, nameof(MaxNoiseSigma));
        Range(MinJpegQuality, 1, 95, nameof(MinJpegQuality));
    }

    /// <summary>Everything that changes pixels, for cache keys.</summary>
    public string Key() => string.Create(CultureInfo.InvariantCulture,
        $"small:{SmallFaceProbability:R}/{MinFaceWidth}-{MaxFaceWidth}|blur:{BlurProbability:R}/{MaxBlurSigma:R}|motion:{MotionBlurProbability:R}/{MaxMotionBlurLength}|light:{LowLightProbability:R}/{MinExposure:R}/{MaxGamma:R}|cast:{ColourCastProbability:R}/{MaxColourCast:R}|noise:{NoiseProbability:R}/{MaxNoiseSigma:R}|jpeg:{JpegProbability:R}/{MinJpegQuality}");

    /// <summary>One line for logs.</summary>
    public string Describe() => IsNone
        ? "no camera effects"
        : string.Create(CultureInfo.InvariantCulture,
            $"camera: {SmallFaceProbability:P0} small ({MinFaceWidth}-{MaxFaceWidth} px), {BlurProbability:P0} blur, {MotionBlurProbability:P0} motion, {LowLightProbability:P0} light, {ColourCastProbability:P0} cast, {NoiseProbability:P0} noise, {JpegProbability:P0} JPEG");

    private static void Probability(double value, string name) => Range(value, 0, 1, name);

    private static void Range(double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}"));
        }
    }
}
