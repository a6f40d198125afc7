namespace MaskTrainer.OpenCv;

/// <summary>Colour conversions (cv::ColorConversionCodes); BGR/RGB swaps share one code.</summary>
public enum ColorConversion
{
    BgraToBgr = 1,
    BgrToRgb = 4,
    RgbToBgr = 4,
    BgrToGray = 6,
    GrayToBgr = 8,
    BgrToHsv = 40,
    HsvToBgr = 54,
}
