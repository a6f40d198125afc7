namespace MaskTrainer.OpenCv;

/// <summary>How to decode (cv::ImreadModes).</summary>
public enum ImreadMode
{
    /// <summary>As stored: keeps alpha, 16-bit depth, and does not apply EXIF orientation.</summary>
    Unchanged = -1,

    /// <summary>8-bit single channel.</summary>
    Grayscale = 0,

    /// <summary>8-bit 3-channel BGR; grey and 16-bit inputs are converted, EXIF orientation applied.</summary>
    Color = 1,
}
