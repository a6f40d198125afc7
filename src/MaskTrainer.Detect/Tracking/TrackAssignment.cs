namespace MaskTrainer.Detect.Tracking;

/// <summary>What the tracker decided for one detection: its track and whether to classify it in this frame.</summary>
public readonly record struct TrackAssignment(int TrackId, bool Classify, bool IsNew);
