namespace MaskTrainer.Data;

/// <summary>Images of one class in each split.</summary>
public sealed record SplitClassCount(string Label, int Train, int Validation, int Test)
{
    public int Total => Train + Validation + Test;
}
