namespace MaskTrainer.Synthesis;

/// <summary>Why a detected face got no synthetic mask.</summary>
public enum SkipReason
{
    /// <summary>Eye distance or face box below the minimum: too few pixels for a believable mask.</summary>
    TooSmall,

    /// <summary>Head turned or tilted too far (or landmarks that no upright face has).</summary>
    TooTurned,

    /// <summary>Face box or mask outline partly outside the photo.</summary>
    CutByBorder,

    /// <summary>The detector gave no landmarks for this face.</summary>
    NoLandmarks,
}
