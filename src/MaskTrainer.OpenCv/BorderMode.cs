namespace MaskTrainer.OpenCv;

/// <summary>How pixels outside the image are made up (cv::BorderTypes).</summary>
public enum BorderMode
{
    /// <summary>A fixed value (the border value / colour argument).</summary>
    Constant = 0,
    Replicate = 1,
    Reflect = 2,
    Reflect101 = 4,
}
