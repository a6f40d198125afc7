namespace MaskTrainer.OpenCv;

/// <summary>An integer pixel position (cv::Point). Layout matches OpenCV's: two ints.</summary>
public readonly record struct Point(int X, int Y);
