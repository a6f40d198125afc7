namespace MaskTrainer.OpenCv;

/// <summary>A width and height in pixels (cv::Size).</summary>
public readonly record struct Size(int Width, int Height)
{
    /// <summary>Width * Height, as a long so large sizes do not overflow.</summary>
    public long Area => (long)Width * Height;

    public override string ToString() => $"{Width}x{Height}";
}
