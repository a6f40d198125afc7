namespace MaskTrainer.Imaging;

/// <summary>Image formats whose header <see cref="ImageHeader"/> can read.</summary>
public enum ImageFormat
{
    Unknown = 0,
    Jpeg,
    Png,
    Bmp,
    WebP,
}
