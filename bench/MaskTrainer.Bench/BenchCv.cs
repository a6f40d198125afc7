using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>OpenCV conveniences the benchmarks used from the old shim and OpenCvSharp lacks.</summary>
internal static class BenchCv
{
    /// <summary>A resized copy (OpenCvSharp's Cv2.Resize only writes into a given Mat); bilinear by default, as the shim's was.</summary>
    public static Mat Resized(Mat src, Size size, InterpolationFlags interpolation = InterpolationFlags.Linear)
    {
        var dst = new Mat();
        Cv2.Resize(src, dst, size, interpolation: interpolation);
        return dst;
    }
}
