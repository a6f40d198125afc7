namespace MaskTrainer.Data;

/// <summary>How <see cref="ImageFolderDataset.Load"/> finds and reads image files.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>Options with every default.</summary>
    public static ImageFolderOptions Default { get; } = new();

    /// <summary>
    /// File extensions counted as images, with the dot, compared case-insensitively.
    /// Default: .jpg .jpeg .png .bmp .webp. Other files (e.g. notes, thumbnails databases) are ignored.
    /// </summary>
    public IReadOnlyCollection<string> Extensions { get; init; } = [.. Imaging.ImageCodec.Extensions];

    /// <summary>
    /// Files hashed at once. Default: the processor count. Hashing is I/O bound, so more than
    /// one reader helps on SSDs; results do not depend on this value.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Fewest class folders accepted (default 2, as training needs). Evaluation sets 1: scoring a
    /// saved model on one class alone (e.g. the recall of with_mask) is legitimate.
    /// </summary>
    public int MinClasses { get; init; } = 2;

    /// <summary>Options for scoring a saved model: one class folder is enough.</summary>
    public static ImageFolderOptions Evaluation { get; } = new() { MinClasses = 1 };
}
