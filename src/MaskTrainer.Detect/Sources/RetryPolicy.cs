namespace MaskTrainer.Detect.Sources;

/// <summary>How hard a live source tries to get frames again after a failed read.</summary>
public sealed record RetryPolicy
{
    /// <summary>Reads retried before giving up (default 5).</summary>
    public int Retries { get; init; } = 5;

    /// <summary>Wait before each retry (default 400 ms: a USB camera that re-enumerates needs a moment).</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>From this retry on (1-based, default 2), the device is closed and opened again before reading.</summary>
    public int ReopenFrom { get; init; } = 2;

    public static RetryPolicy Default { get; } = new();
}
