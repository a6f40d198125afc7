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
}
