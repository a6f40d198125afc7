namespace MaskTrainer.OpenCv;

/// <summary>OpenCV's built-in vector fonts (cv::HersheyFonts); ASCII only.</summary>
public enum HersheyFont
{
    Simplex = 0,
    Plain = 1,
    Duplex = 2,
}
