namespace MaskTrainer.Reporting;

/// <summary>An image that was not used, and why (e.g. "no face found", "unreadable").</summary>
public sealed record SkippedImage(string Path, string Reason);
