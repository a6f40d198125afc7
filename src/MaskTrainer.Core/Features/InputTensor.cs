using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Features;

/// <summary>
/// Turns an 8-bit BGR image into one image's slice of a network input tensor, exactly as
/// <see cref="Preprocessing"/> says: resized (bilinear, no crop) to the input size, channels put
/// in <see cref="Preprocessing.ChannelOrder"/>, <c>value = (pixel - Mean[c]) * Scale / Std[c]</c>,
/// laid out planar (NCHW) or interleaved (NHWC). This is cv::dnn::blobFromImage plus per-channel
/// std and NHWC, which blobFromImage cannot do.
/// </summary>
public static class InputTensor
{
    /// <summary>Floats one image takes in the tensor: 3 × width × height.</summary>
    public static int ElementsPerImage(Preprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        return checked(3 * preprocessing.InputWidth * preprocessing.InputHeight);
    }

    /// <summary>The tensor shape of <paramref name="batch"/> images: [N, 3, H, W] or [N, H, W, 3].</summary>
    public static int[] Shape(Preprocessing preprocessing, int batch)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return preprocessing.Layout == TensorLayout.Nchw
            ? [batch, 3, preprocessing.InputHeight, preprocessing.InputWidth]
            : [batch, preprocessing.InputHeight, preprocessing.InputWidth, 3];
    }

    /// <summary>
    /// Writes <paramref name="image"/> into <paramref name="destination"/>
    /// (<see cref="ElementsPerImage"/> floats). Grey and BGRA images are converted to BGR first.
    /// </summary>
    /// <param name="image">8-bit image, 1, 3 or 4 channels (BGR order, as OpenCV decodes).</param>
    /// <param name="preprocessing">Input size, channel order, normalisation and layout.</param>
    /// <param name="destination">Exactly <see cref="ElementsPerImage"/> floats.</param>
    /// <param name="scratch">Reused for the resize/conversion when given (hot loops); a temporary Mat otherwise.</param>
    public static void Write(Mat image, Preprocessing preprocessing, Span<float> destination, Mat? scratch = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(preprocessing);
        if (preprocessing.Model is not null)
        {
            throw new ArgumentException(
                $"the preprocessing is done by the graph {preprocessing.Model}; write raw pixels (WritePixels) into the backbone's pixel graph instead", nameof(preprocessing));
        }

        WithBgr(image, preprocessing.InputWidth, preprocessing.InputHeight, destination, scratch, copyInto: false, (bgr, d) => Convert(bgr, preprocessing, d));
    }

    /// <summary>
    /// Writes <paramref name="image"/> as <paramref name="graph"/>'s input expects it
    /// (<see cref="PixelGraph.ElementsPerImage"/> floats): resized to the input size as
    /// <see cref="Write"/> resizes (cv::resize, bilinear) unless it already has that size,
    /// planar, planes in <see cref="PixelGraph.ChannelOrder"/>, raw 0..255 values. Exactly what
    /// ML.NET's ExtractPixels gives (interleave false, no offset or scale) for the same pixels.
    /// Grey and BGRA images are converted to BGR first (alpha is dropped).
    /// </summary>
    /// <param name="image">8-bit image, 1, 3 or 4 channels (BGR order, as OpenCV decodes).</param>
    /// <param name="graph">The pixel graph: input size and channel order.</param>
    /// <param name="destination">Exactly <see cref="PixelGraph.ElementsPerImage"/> floats.</param>
    /// <param name="scratch">Reused for the resize/conversion when given (hot loops); a temporary Mat otherwise.</param>
    public static void WritePixels(Mat image, PixelGraph graph, Span<float> destination, Mat? scratch = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(graph);
        bool rgb = graph.ChannelOrder == ChannelOrder.Rgb;
        WithBgr(image, graph.InputWidth, graph.InputHeight, destination, scratch, copyInto: false, (bgr, d) => ConvertPixels(bgr, rgb, d));
    }

    /// <summary>
    /// A new 8-bit BGR image of <paramref name="width"/> × <paramref name="height"/>, made as
    /// <see cref="Write"/> and <see cref="WritePixels"/> make their input: grey and BGRA converted
    /// to BGR, then cv::resize (bilinear) unless already that size (then a copy). Turned into an
    /// MLImage (<see cref="Imaging.MLImages.FromMat"/>), it gives ML.NET's
    /// <see cref="BackboneEstimator"/> the very pixels the featurizer uses, and its ResizeImages
    /// passes it through. The caller disposes the result.
    /// </summary>
    public static Mat ResizeForInput(Mat image, int width, int height)
    {
        var result = new Mat();
        try
        {
            ResizeForInput(image, width, height, result);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="ResizeForInput(Mat, int, int)"/> into <paramref name="destination"/>, whose buffer
    /// is reused when it already has that size (a frame loop's per-face scratch).
    /// </summary>
    public static void ResizeForInput(Mat image, int width, int height, Mat destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        WithBgr(image, width, height, default, destination, copyInto: true);
    }

    private delegate void PixelWriter(ReadOnlySpan<byte> bgr, Span<float> destination);

    /// <summary>
    /// The one conversion path: checks the arguments, brings the image to 8-bit BGR at width ×
    /// height, and hands its bytes to <paramref name="write"/>. With <paramref name="copyInto"/>,
    /// that BGR image ends up in <paramref name="scratch"/> (always written, a copy when nothing
    /// else changed) and <paramref name="destination"/> is not used.
    /// </summary>
    private static void WithBgr(Mat image, int width, int height, Span<float> destination, Mat? scratch, bool copyInto, PixelWriter? write = null)
    {
        if (!copyInto && destination.Length != 3 * width * height)
        {
            throw new ArgumentException($"one {width}x{height} image needs {3 * width * height} floats, the destination has {destination.Length}", nameof(destination));
        }

        if (image.IsEmpty)
        {
            throw new ArgumentException("the image is empty", nameof(image));
        }

        if (image.Depth() != 0)
        {
            throw new ArgumentException($"expected an 8-bit image, got {image.Type()}", nameof(image));
        }

        if (ReferenceEquals(scratch, image))
        {
            throw new ArgumentException("scratch must not be the image itself", nameof(scratch));
        }

        Mat? converted = null, temporary = null;
        try
        {
            var source = image;
            if (image.Channels() != 3)
            {
                var code = image.Channels() switch
                {
                    1 => ColorConversionCodes.GRAY2BGR,
                    4 => ColorConversionCodes.BGRA2BGR,
                    _ => throw new ArgumentException($"expected 1, 3 or 4 channels, got {image.Channels()}", nameof(image)),
                };
                converted = new Mat();
                Cv2.CvtColor(image, converted, code);
                source = converted;
            }

            if (source.Cols != width || source.Rows != height)
            {
                var target = scratch ?? (temporary = new Mat());
                Cv2.Resize(source, target, new Size(width, height));
                source = target;
            }
            else if (copyInto || !source.IsContinuous())
            {
                // The caller's copy, or a region view (e.g. a face crop already at the input size) whose rows are not adjacent.
                var target = scratch ?? (temporary = new Mat());
                source.CopyTo(target);
                source = target;
            }

            write?.Invoke(source.GetBytes(), destination);
        }
        finally
        {
            converted?.Dispose();
            temporary?.Dispose();
        }
    }

    /// <summary>Interleaved BGR bytes to three raw planes in the graph's order.</summary>
    internal static void ConvertPixels(ReadOnlySpan<byte> bgr, bool rgb, Span<float> destination)
    {
        int pixels = bgr.Length / 3;
        int s0 = rgb ? 2 : 0, s2 = rgb ? 0 : 2;
        var plane0 = destination[..pixels];
        var plane1 = destination.Slice(pixels, pixels);
        var plane2 = destination.Slice(2 * pixels, pixels);
        for (int i = 0, j = 0; i < pixels; i++, j += 3)
        {
            plane0[i] = bgr[j + s0];
            plane1[i] = bgr[j + 1];
            plane2[i] = bgr[j + s2];
        }
    }

    /// <summary>The per-pixel part: interleaved BGR bytes (width × height × 3) to the tensor slice.</summary>
    internal static void Convert(ReadOnlySpan<byte> bgr, Preprocessing preprocessing, Span<float> destination)
    {
        int pixels = bgr.Length / 3;
        // Network channel c reads BGR byte (c) for BGR networks and (2 - c) for RGB ones.
        bool rgb = preprocessing.ChannelOrder == ChannelOrder.Rgb;
        int s0 = rgb ? 2 : 0, s2 = rgb ? 0 : 2;
        var (m0, o0) = preprocessing.ChannelAffine(0);
        var (m1, o1) = preprocessing.ChannelAffine(1);
        var (m2, o2) = preprocessing.ChannelAffine(2);
        if (preprocessing.Layout == TensorLayout.Nchw)
        {
            var plane0 = destination[..pixels];
            var plane1 = destination.Slice(pixels, pixels);
            var plane2 = destination.Slice(2 * pixels, pixels);
            for (int i = 0, j = 0; i < pixels; i++, j += 3)
            {
                plane0[i] = bgr[j + s0] * m0 + o0;
                plane1[i] = bgr[j + 1] * m1 + o1;
                plane2[i] = bgr[j + s2] * m2 + o2;
            }
        }
        else
        {
            for (int j = 0; j < bgr.Length; j += 3)
            {
                destination[j] = bgr[j + s0] * m0 + o0;
                destination[j + 1] = bgr[j + 1] * m1 + o1;
                destination[j + 2] = bgr[j + s2] * m2 + o2;
            }
        }
    }
}
