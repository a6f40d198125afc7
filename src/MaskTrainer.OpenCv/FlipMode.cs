namespace MaskTrainer.OpenCv;

/// <summary>Flip axis, valued as cv::flip's flipCode.</summary>
public enum FlipMode
{
    /// <summary>Upside down (around the x axis).</summary>
    Vertical = 0,

    /// <summary>Mirror left-right (around the y axis).</summary>
    Horizontal = 1,

    Both = -1,
}
