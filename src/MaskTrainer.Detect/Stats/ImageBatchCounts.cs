namespace MaskTrainer.Detect.Stats;

/// <summary>What an --images run did not process, and the copies it wrote.</summary>
/// <param name="Skipped">Files passed over without being read (not an image extension).</param>
/// <param name="Failed">Images with an error line: they could not be decoded, or their annotated copy could not be written
/// (those were processed all the same: their faces line was printed and counts in the summary's images and faces).</param>
public sealed record ImageBatchCounts(int Skipped, int Failed)
{
    /// <summary>Annotated copies written into the --output folder (0 without one); not in the JSON summary.</summary>
    public long Written { get; init; }
}
