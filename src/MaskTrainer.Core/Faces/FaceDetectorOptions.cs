namespace MaskTrainer.Faces;

/// <summary>Options shared by the face detectors, with documented defaults.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>
    /// Overrides the detector's <see cref="IFaceDetector.DefaultMinConfidence"/> (null = keep the
    /// detector's own, chosen from the measurements in README).
    /// </summary>
    public float? MinConfidence { get; init; }

    /// <summary>
    /// Non-maximum suppression: a box overlapping a better one by more than this IoU is dropped
    /// (default 0.3, the usual value for faces, which rarely overlap that much).
    /// </summary>
    public float NmsThreshold { get; init; } = 0.3f;

    /// <summary>Default options.</summary>
    public static FaceDetectorOptions Default { get; } = new();

    internal void Validate()
    {
        if (MinConfidence is { } c && !(c >= 0 && c <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinConfidence), c, "MinConfidence must lie in [0, 1]");
        }

        if (!(NmsThreshold > 0 && NmsThreshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(NmsThreshold), NmsThreshold, "NmsThreshold must lie in (0, 1]");
        }
    }
}
