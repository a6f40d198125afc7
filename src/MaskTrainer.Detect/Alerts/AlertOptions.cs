namespace MaskTrainer.Detect.Alerts;

/// <summary>Settings of the two alerts.</summary>
public sealed record AlertOptions
{
    /// <summary>
    /// An unmasked face wider than this fraction of the frame width raises
    /// <see cref="FaceAlerts.Proximity"/> (default 0.25: a face a quarter of the frame wide is
    /// about an arm's length from a laptop camera). 0 flags every unmasked face; 1 or more disables the alert.
    /// </summary>
    public double ProximityWidth { get; init; } = 0.25;

    /// <summary>Faces whose centres are closer than this raise <see cref="FaceAlerts.Distancing"/> (default 3 face widths).</summary>
    public DistanceThreshold MinDistance { get; init; } = DistanceThreshold.Default;

    public static AlertOptions Default { get; } = new();
}
