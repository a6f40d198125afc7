namespace MaskTrainer.OpenCv;

/// <summary>A sub-pixel position (cv::Point2f).</summary>
public readonly record struct Point2f(float X, float Y);
