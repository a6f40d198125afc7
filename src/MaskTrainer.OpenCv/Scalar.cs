namespace MaskTrainer.OpenCv;

/// <summary>Up to four channel values (cv::Scalar); colours are in OpenCV's B, G, R order.</summary>
public readonly record struct Scalar(double V0, double V1 = 0, double V2 = 0, double V3 = 0)
{
    /// <summary>A colour in OpenCV's channel order (blue first).</summary>
    public static Scalar Bgr(double b, double g, double r) => new(b, g, r);

    /// <summary>The same value in all four channels.</summary>
    public static Scalar All(double v) => new(v, v, v, v);
}
