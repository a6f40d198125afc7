namespace MaskTrainer.Data;

/// <summary>An input left out of the evaluation (e.g. an undecodable image or no face found), and why.</summary>
public sealed record SkippedItem(string Path, string Reason);
