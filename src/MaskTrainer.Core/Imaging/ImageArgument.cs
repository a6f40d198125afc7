using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>The checks every public method taking an OpenCV image makes before it reads the image.</summary>
internal static class ImageArgument
{
    /// <summary>
    /// Throws <see cref="ArgumentNullException"/> for null and <see cref="ObjectDisposedException"/>
    /// for a disposed Mat. Called first: OpenCvSharp 4.13 reads a disposed Mat's size (Cols, Rows,
    /// Empty, Type) through the freed native pointer, which ends the process (SIGSEGV) instead of throwing.
    /// </summary>
    public static void ThrowIfNullOrDisposed([NotNull] Mat? image, [CallerArgumentExpression(nameof(image))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(image, paramName);
        if (image.IsDisposed)
        {
            // No object name: ObjectDisposedException would put it on a second line.
            throw new ObjectDisposedException(null, $"{paramName} is a disposed Mat");
        }
    }

    /// <summary>
    /// <paramref name="image"/> as 8-bit BGR, the detectors' input: null when it already is one,
    /// else a grey or BGRA image converted into a new Mat the caller disposes (the images
    /// <see cref="Model.MaskPredictor"/> accepts, so that photos and crops take the same kinds).
    /// </summary>
    /// <exception cref="ArgumentException">The image is empty, or not 8-bit grey, BGR or BGRA.</exception>
    public static Mat? ToBgr(Mat image, [CallerArgumentExpression(nameof(image))] string? paramName = null)
    {
        if (image.IsEmpty)
        {
            throw new ArgumentException("the image is empty", paramName);
        }

        var type = image.Type();
        if (type == MatType.CV_8UC3)
        {
            return null;
        }

        var code = type == MatType.CV_8UC1 ? ColorConversionCodes.GRAY2BGR
            : type == MatType.CV_8UC4 ? ColorConversionCodes.BGRA2BGR
            : throw new ArgumentException($"expected an 8-bit grey, BGR or BGRA image, got {image.Describe()}", paramName);
        var bgr = new Mat();
        Cv2.CvtColor(image, bgr, code);
        return bgr;
    }
}
