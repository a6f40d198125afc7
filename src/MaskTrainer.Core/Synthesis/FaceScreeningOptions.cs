namespace MaskTrainer.Synthesis;

/// <summary>Which detected faces get a synthetic mask, with documented defaults.</summary>
public sealed record FaceScreeningOptions
{
    /// <summary>Smallest eye distance in pixels (default 12): below it a mask is a few blurred pixels.</summary>
    public double MinEyeDistance { get; init; } = 12;

    /// <summary>Largest <see cref="FaceLandmarks.TurnRatio"/> (default 0.45, about 45° of yaw): beyond it the far cheek is hidden and ear landmarks are guesses.</summary>
    public double MaxTurn { get; init; } = 0.45;

    /// <summary>Largest roll of the eye line in degrees (default 45).</summary>
    public double MaxRollDegrees { get; init; } = 45;

    /// <summary>
    /// Smallest fraction of the face box that must lie inside the photo (default 0.8). Dataset
    /// photos are often tight crops whose face box pokes out a little; a face cut in half by the
    /// border, or a detector's ghost of a face in the replicated padding, lies further out.
    /// </summary>
    public double MinFaceInside { get; init; } = 0.8;

    /// <summary>
    /// Smallest fraction of the mask outline that must lie inside the photo (default 0.6): tight
    /// crops end at the chin, so the bottom of a mask may be cut, as in real masked-face crops.
    /// </summary>
    public double MinMaskInside { get; init; } = 0.6;
}
