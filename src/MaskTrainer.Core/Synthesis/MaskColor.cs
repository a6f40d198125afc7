namespace MaskTrainer.Synthesis;

/// <summary>An 8-bit colour in OpenCV's channel order (blue, green, red).</summary>
public readonly record struct MaskColor(byte B, byte G, byte R)
{
    /// <summary>A colour from red, green, blue (the order colour pickers use).</summary>
    public static MaskColor FromRgb(byte r, byte g, byte b) => new(b, g, r);

    /// <summary>Perceived brightness, 0..255 (ITU-R BT.601 weights, as OpenCV's BGR2GRAY).</summary>
    public double Luma => 0.114 * B + 0.587 * G + 0.299 * R;

    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}";
}
