using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

/// <summary>Helpers from OpenCV's dnn module: image-to-blob conversion and non-maximum suppression.</summary>
public static class Dnn
{
    /// <summary>
    /// A 1x3xHxW float blob (NCHW): resized to <paramref name="size"/> (center-cropped first when
    /// <paramref name="crop"/>), <paramref name="mean"/> subtracted, then multiplied by
    /// <paramref name="scale"/>; <paramref name="swapRB"/> turns BGR into RGB.
    /// </summary>
    public static Mat BlobFromImage(Mat image, double scale, Size size, Scalar mean, bool swapRB, bool crop = false) =>
        Cv2.Produce(dst => BlobFromImage(image, dst, scale, size, mean, swapRB, crop));

    /// <summary>As <see cref="BlobFromImage(Mat, double, Size, Scalar, bool, bool)"/>, reusing <paramref name="dst"/>'s buffer.</summary>
    public static void BlobFromImage(Mat image, Mat dst, double scale, Size size, Scalar mean, bool swapRB, bool crop = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(dst);
        NativeError.Check(NativeMethods.mt_blob_from_image(image.Handle, dst.Handle, scale, size.Width, size.Height,
            mean.V0, mean.V1, mean.V2, mean.V3, swapRB ? 1 : 0, crop ? 1 : 0));
    }

    /// <summary>An Nx3xHxW blob of several images (see <see cref="BlobFromImage(Mat, double, Size, Scalar, bool, bool)"/>).</summary>
    public static Mat BlobFromImages(IReadOnlyList<Mat> images, double scale, Size size, Scalar mean, bool swapRB, bool crop = false) =>
        Cv2.Produce(dst => BlobFromImages(images, dst, scale, size, mean, swapRB, crop));

    /// <summary>As <see cref="BlobFromImages(IReadOnlyList{Mat}, double, Size, Scalar, bool, bool)"/>, reusing <paramref name="dst"/>'s buffer.</summary>
    public static unsafe void BlobFromImages(IReadOnlyList<Mat> images, Mat dst, double scale, Size size, Scalar mean, bool swapRB, bool crop = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(dst);
        if (images.Count == 0)
        {
            throw new ArgumentException("at least one image is needed", nameof(images));
        }

        using var pointers = new MatPointers(images);
        fixed (IntPtr* p = pointers.Pointers)
        {
            NativeError.Check(NativeMethods.mt_blob_from_images(p, images.Count, dst.Handle, scale, size.Width, size.Height,
                mean.V0, mean.V1, mean.V2, mean.V3, swapRB ? 1 : 0, crop ? 1 : 0));
        }
    }

    /// <summary>
    /// Non-maximum suppression: indices of the boxes kept, best score first. Boxes scoring
    /// below <paramref name="scoreThreshold"/> are dropped; a box overlapping a better one by
    /// more than <paramref name="nmsThreshold"/> IoU is suppressed.
    /// </summary>
    public static unsafe int[] NmsBoxes(ReadOnlySpan<Rect> boxes, ReadOnlySpan<float> scores, float scoreThreshold, float nmsThreshold)
    {
        if (boxes.Length != scores.Length)
        {
            throw new ArgumentException($"{boxes.Length} boxes but {scores.Length} scores", nameof(scores));
        }

        if (boxes.IsEmpty)
        {
            return [];
        }

        var indices = new int[boxes.Length];
        int kept;
        // Rect is four ints, exactly cv::Rect's layout.
        fixed (Rect* b = boxes)
        fixed (float* s = scores)
        fixed (int* i = indices)
        {
            NativeError.Check(NativeMethods.mt_nms_boxes((int*)b, s, boxes.Length, scoreThreshold, nmsThreshold, i, out kept));
        }

        return indices.AsSpan(0, kept).ToArray();
    }
}
