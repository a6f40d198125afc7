namespace MaskTrainer.Data;

/// <summary>Images of one class in each split.</summary>
/// <param name="Skipped">Image files of the class that could not be read or decoded, in none of the
/// counts (0 in the split's own counts, which are made before the images are decoded).</param>
public sealed record SplitClassCount(string Label, int Train, int Validation, int Test, int Skipped = 0)
{
    /// <summary>Images in the splits (<see cref="Skipped"/> not included).</summary>
    public int Total => Train + Validation + Test;
}
