namespace MaskTrainer.Detect.Alerts;

/// <summary>What a <see cref="DistanceThreshold"/> is measured in.</summary>
public enum DistanceUnit
{
    /// <summary>Pixels between face centres: simple, but depends on the resolution and on how far people stand.</summary>
    Pixels,

    /// <summary>Multiples of the mean width of the two faces: the same rule at any resolution and distance from the camera.</summary>
    FaceWidths,
}
