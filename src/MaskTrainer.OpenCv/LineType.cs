namespace MaskTrainer.OpenCv;

/// <summary>Line rasterisation (cv::LineTypes).</summary>
public enum LineType
{
    Line8 = 8,
    AntiAliased = 16,
}
