using Microsoft.ML.Data;
using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>OpenCV images as ML.NET <see cref="MLImage"/>s (the input column of <see cref="Features.BackboneEstimator"/>).</summary>
public static class MLImages
{
    /// <summary>
    /// A new BGRA32 <see cref="MLImage"/> with <paramref name="image"/>'s pixels (8-bit grey, BGR
    /// or BGRA; any stride, region views included). Alpha is set to 255: MLImage's SkiaSharp
    /// bitmap is premultiplied, and the features ignore alpha anyway (<see cref="Features.InputTensor"/>
    /// drops it too). The caller owns (disposes) the result; nothing else is left behind.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="image"/> was disposed.</exception>
    public static MLImage FromMat(Mat image)
    {
        ImageArgument.ThrowIfNullOrDisposed(image);
        if (image.IsEmpty)
        {
            throw new ArgumentException("the image is empty", nameof(image));
        }

        if (image.Depth() != MatType.CV_8U)
        {
            throw new ArgumentException($"expected an 8-bit image, got {image.Type()}", nameof(image));
        }

        using var bgra = new Mat();
        switch (image.Channels())
        {
            case 1:
                Cv2.CvtColor(image, bgra, ColorConversionCodes.GRAY2BGRA);
                break;
            case 3:
                Cv2.CvtColor(image, bgra, ColorConversionCodes.BGR2BGRA);
                break;
            case 4:
                image.CopyTo(bgra);
                using (var opaque = new Mat(bgra.Size(), MatType.CV_8UC1, Scalar.All(255)))
                {
                    Cv2.InsertChannel(opaque, bgra, 3);
                }

                break;
            default:
                throw new ArgumentException($"expected 1, 3 or 4 channels, got {image.Channels()}", nameof(image));
        }

        return MLImage.CreateFromPixels(bgra.Cols, bgra.Rows, MLPixelFormat.Bgra32, bgra.GetBytes());
    }

    /// <summary>The pixels of <paramref name="image"/> as a new 8-bit BGR Mat (alpha dropped); the caller disposes it.</summary>
    public static Mat ToMat(MLImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = image.Pixels;
        var code = image.PixelFormat switch
        {
            MLPixelFormat.Bgra32 => ColorConversionCodes.BGRA2BGR,
            MLPixelFormat.Rgba32 => ColorConversionCodes.RGBA2BGR,
            var other => throw new ArgumentException($"pixel format {other} is not supported", nameof(image)),
        };
        using var four = MatExtensions.FromPixels(pixels, image.Height, image.Width, MatType.CV_8UC4);
        var bgr = new Mat();
        Cv2.CvtColor(four, bgr, code);
        return bgr;
    }
}
