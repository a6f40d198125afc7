namespace MaskTrainer.Faces;

/// <summary>
/// The 896 SSD anchors of BlazeFace, as MediaPipe generates them: a 16x16 grid with 2 anchors
/// per cell, then an 8x8 grid with 6 per cell (front model: strides 8 and 16 on 128 px; back
/// model: strides 16 and 32 on 256 px, so the same normalised grid). Centres
/// ((x + 0.5) / g, (y + 0.5) / g); sizes are fixed at 1, so the regressors are in input pixels.
/// </summary>
internal static class BlazeFaceAnchors
{
    public const int FineCount = 16 * 16 * 2;
    public const int CoarseCount = 8 * 8 * 6;
    public const int Count = FineCount + CoarseCount;

    /// <summary>Anchor centres, x then y per anchor, normalised to 0..1.</summary>
    public static float[] Centres { get; } = Build();

    private static float[] Build()
    {
        var centres = new float[Count * 2];
        int k = 0;
        foreach (var (grid, perCell) in new[] { (16, 2), (8, 6) })
        {
            for (int y = 0; y < grid; y++)
            {
                for (int x = 0; x < grid; x++)
                {
                    for (int a = 0; a < perCell; a++)
                    {
                        centres[k++] = (x + 0.5f) / grid;
                        centres[k++] = (y + 0.5f) / grid;
                    }
                }
            }
        }

        return centres;
    }
}
