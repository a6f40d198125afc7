namespace MaskTrainer.Detect.Tracking;

/// <summary>How faces are followed from frame to frame and when a track is classified again.</summary>
public sealed record TrackerOptions
{
    /// <summary>A detection continues a track when their boxes overlap at least this much (IoU, default 0.3).</summary>
    public float MatchIoU { get; init; } = 0.3f;

    /// <summary>A track survives this many frames without a detection (default 10) so that a missed frame does not restart its label.</summary>
    public int MaxMissedFrames { get; init; } = 10;

    /// <summary>
    /// A track is classified again after this many frames (default 4; 1 = every frame). The
    /// label barely changes between neighbouring frames, and the backbone is the most expensive
    /// step, so classifying every 4th frame gives most of the accuracy at a quarter of the cost.
    /// </summary>
    public int ReclassifyEvery { get; init; } = 4;

    /// <summary>
    /// ... or sooner, when its box overlaps the box it was last classified with less than this
    /// (IoU, default 0.6): the face moved or turned enough for the crop to look different.
    /// </summary>
    public float ReclassifyIoU { get; init; } = 0.6f;

    /// <summary>
    /// A confirmed track (matched to a detection in at least <see cref="ConfirmFrames"/> frames)
    /// whose face the detector missed for at most this many consecutive frames is still reported
    /// in those frames, "held": at its last box, with its last smoothed label, not classified
    /// (default 2; 0 = off; at most <see cref="MaxMissedFrames"/>). Detectors miss a face for a
    /// frame or two (masked faces, turned heads, blur), which made its box and label blink. A held
    /// box is at most this many frames older than the detector's last box for the face, which may
    /// itself be a frame old (the default detector's extra passes take turns on video).
    /// </summary>
    public int HoldFrames { get; init; } = 2;

    /// <summary>
    /// Frames a track must have been matched in before it is held through a miss (default 3, at
    /// least 1), so that a false detection that came once is never held. 3, not 2: on a video the
    /// default detector (ultraface-back-tiles) lets the faces its BlazeFace-back and tile passes
    /// found stand in on the next frame, so one such detection is matched in two frames.
    /// </summary>
    public int ConfirmFrames { get; init; } = 3;

    public static TrackerOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ReclassifyEvery, 1, nameof(ReclassifyEvery));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxMissedFrames, nameof(MaxMissedFrames));
        ArgumentOutOfRangeException.ThrowIfNegative(HoldFrames, nameof(HoldFrames));
        ArgumentOutOfRangeException.ThrowIfLessThan(ConfirmFrames, 1, nameof(ConfirmFrames));
        if (HoldFrames > MaxMissedFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(HoldFrames), HoldFrames,
                $"a track is held at most as long as it lives ({nameof(MaxMissedFrames)} = {MaxMissedFrames})");
        }
    }
}
