namespace MaskTrainer.Data;

/// <summary>Images of one class in each split.</summary>
/// <param name="Skipped">Images of the class in the split that could not be decoded, in none of the
/// counts, so that a row of the images used adds up to the split's row (0 in the split's own counts,
/// which are made before the images are decoded; files unreadable when the folder was loaded are in neither).</param>
public sealed record SplitClassCount(string Label, int Train, int Validation, int Test, int Skipped = 0)
{
    /// <summary>Images in the splits (<see cref="Skipped"/> not included).</summary>
    public int Total => Train + Validation + Test;
}
