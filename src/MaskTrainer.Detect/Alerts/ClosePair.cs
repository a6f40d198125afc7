namespace MaskTrainer.Detect.Alerts;

/// <summary>Two faces (indices into the frame's face list, First &lt; Second) that stand too close.</summary>
public readonly record struct ClosePair(int First, int Second, double Distance);
