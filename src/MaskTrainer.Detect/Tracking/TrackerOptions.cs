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

    public static TrackerOptions Default { get; } = new();
}
