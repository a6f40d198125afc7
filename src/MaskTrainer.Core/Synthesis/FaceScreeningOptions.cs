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
    /// Smallest fraction of the face box and of the mask outline that must lie inside the photo
    /// (default 0.9): a face cut by the border gets a mask cut by the border.
    /// </summary>
    public double MinInside { get; init; } = 0.9;
}
