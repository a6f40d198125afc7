namespace MaskTrainer.Data;

/// <summary>Number of images of one class.</summary>
public sealed record ClassCount(string Label, int Count);
