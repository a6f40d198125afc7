namespace MaskTrainer.Synthesis;

/// <summary>Layout of a <see cref="ContactSheet"/>, with documented defaults.</summary>
public sealed record ContactSheetOptions
{
    /// <summary>Side of each square tile in pixels (default 128).</summary>
    public int TileSize { get; init; } = 128;

    /// <summary>Pairs (bare face, masked face) per row (default 4).</summary>
    public int PairsPerRow { get; init; } = 4;

    /// <summary>Pixels between pairs and around the sheet (default 8); the two faces of a pair touch.</summary>
    public int Gap { get; init; } = 8;

    /// <summary>Pairs shown at most; a seeded sample is taken when there are more (default 24).</summary>
    public int MaxPairs { get; init; } = 24;
}
