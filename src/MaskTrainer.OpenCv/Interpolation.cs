namespace MaskTrainer.OpenCv;

/// <summary>Resampling filter (cv::InterpolationFlags).</summary>
public enum Interpolation
{
    Nearest = 0,
    Linear = 1,
    Cubic = 2,

    /// <summary>Pixel-area averaging: the best choice when shrinking.</summary>
    Area = 3,
}
