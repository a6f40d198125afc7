namespace MaskTrainer.Detect.Stats;

/// <summary>What an --images run did not process.</summary>
/// <param name="Skipped">Files passed over without being read (not an image extension).</param>
/// <param name="Failed">Images that could not be decoded; each had an error line.</param>
public sealed record ImageBatchCounts(int Skipped, int Failed);
