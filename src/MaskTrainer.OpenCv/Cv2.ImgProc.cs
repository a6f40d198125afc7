using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

public static partial class Cv2
{
    /// <summary>Resizes <paramref name="src"/> into <paramref name="dst"/> (reused when it already has the size).</summary>
    public static void Resize(Mat src, Mat dst, Size size, Interpolation interpolation = Interpolation.Linear)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(dst);
        var status = NativeMethods.mt_resize(src.Handle, dst.Handle, size.Width, size.Height, (int)interpolation);
        if (status != 0)
        {
            throw NativeError.Create(status, $"Resize to {size}");
        }
    }

    /// <summary>A resized copy of <paramref name="src"/>.</summary>
    public static Mat Resize(Mat src, Size size, Interpolation interpolation = Interpolation.Linear) =>
        Produce(dst => Resize(src, dst, size, interpolation));

    public static void Flip(Mat src, Mat dst, FlipMode mode)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(dst);
        NativeError.Check(NativeMethods.mt_flip(src.Handle, dst.Handle, (int)mode));
    }

    /// <summary>Applies the 2x3 affine <paramref name="matrix2x3"/> (row-major, 6 values), output of <paramref name="size"/>.</summary>
    public static unsafe void WarpAffine(Mat src, Mat dst, ReadOnlySpan<double> matrix2x3, Size size,
        Interpolation interpolation = Interpolation.Linear, BorderMode border = BorderMode.Constant, Scalar borderValue = default)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(dst);
        if (matrix2x3.Length != 6)
        {
            throw new ArgumentException($"an affine matrix has 6 values (2x3), got {matrix2x3.Length}", nameof(matrix2x3));
        }

        fixed (double* m = matrix2x3)
        {
            NativeError.Check(NativeMethods.mt_warp_affine(src.Handle, dst.Handle, m, size.Width, size.Height, (int)interpolation, (int)border,
                borderValue.V0, borderValue.V1, borderValue.V2, borderValue.V3));
        }
    }

    /// <summary>The 2x3 matrix (row-major) rotating by <paramref name="angleDegrees"/> (counter-clockwise) about <paramref name="center"/>.</summary>
    public static unsafe double[] GetRotationMatrix2D(Point2f center, double angleDegrees, double scale)
    {
        var m = new double[6];
        fixed (double* p = m)
        {
            NativeError.Check(NativeMethods.mt_get_rotation_matrix_2d(center.X, center.Y, angleDegrees, scale, p));
        }

        return m;
    }

    public static void CvtColor(Mat src, Mat dst, ColorConversion code)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(dst);
        var status = NativeMethods.mt_cvt_color(src.Handle, dst.Handle, (int)code);
        if (status != 0)
        {
            throw NativeError.Create(status, $"CvtColor {code}");
        }
    }

    /// <summary>Pads <paramref name="src"/> by the given number of pixels on each side.</summary>
    public static void CopyMakeBorder(Mat src, Mat dst, int top, int bottom, int left, int right, BorderMode border, Scalar value = default)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(dst);
        NativeError.Check(NativeMethods.mt_copy_make_border(src.Handle, dst.Handle, top, bottom, left, right, (int)border, value.V0, value.V1, value.V2, value.V3));
    }

    /// <summary>Draws a box outline; <paramref name="thickness"/> -1 fills it.</summary>
    public static void Rectangle(Mat img, Rect rect, Scalar color, int thickness = 1, LineType lineType = LineType.Line8)
    {
        ArgumentNullException.ThrowIfNull(img);
        NativeError.Check(NativeMethods.mt_rectangle(img.Handle, rect.X, rect.Y, rect.Width, rect.Height, color.V0, color.V1, color.V2, color.V3, thickness, (int)lineType));
    }

    /// <summary>
    /// Blends a filled box over the image: alpha 1 paints it solid, 0.5 lets the picture show
    /// through (label backgrounds). The box is clipped to the image.
    /// </summary>
    public static void FilledRectangle(Mat img, Rect rect, Scalar color, double alpha)
    {
        ArgumentNullException.ThrowIfNull(img);
        ArgumentOutOfRangeException.ThrowIfLessThan(alpha, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(alpha, 1.0);
        NativeError.Check(NativeMethods.mt_filled_rectangle(img.Handle, rect.X, rect.Y, rect.Width, rect.Height, color.V0, color.V1, color.V2, color.V3, alpha));
    }

    /// <summary>Draws text with its bottom-left corner at <paramref name="org"/> (Hershey fonts: ASCII only).</summary>
    public static void PutText(Mat img, string text, Point org, HersheyFont font, double scale, Scalar color, int thickness = 1, LineType lineType = LineType.AntiAliased)
    {
        ArgumentNullException.ThrowIfNull(img);
        ArgumentNullException.ThrowIfNull(text);
        NativeError.Check(NativeMethods.mt_put_text(img.Handle, text, org.X, org.Y, (int)font, scale, color.V0, color.V1, color.V2, color.V3, thickness, (int)lineType));
    }

    /// <summary>Size of <paramref name="text"/> drawn with these settings; <paramref name="baseline"/> is the descent below the origin.</summary>
    public static Size GetTextSize(string text, HersheyFont font, double scale, int thickness, out int baseline)
    {
        ArgumentNullException.ThrowIfNull(text);
        NativeError.Check(NativeMethods.mt_get_text_size(text, (int)font, scale, thickness, out var w, out var h, out baseline));
        return new Size(w, h);
    }

    public static void Circle(Mat img, Point center, int radius, Scalar color, int thickness = 1, LineType lineType = LineType.Line8)
    {
        ArgumentNullException.ThrowIfNull(img);
        NativeError.Check(NativeMethods.mt_circle(img.Handle, center.X, center.Y, radius, color.V0, color.V1, color.V2, color.V3, thickness, (int)lineType));
    }

    public static void Line(Mat img, Point a, Point b, Scalar color, int thickness = 1, LineType lineType = LineType.Line8)
    {
        ArgumentNullException.ThrowIfNull(img);
        NativeError.Check(NativeMethods.mt_line(img.Handle, a.X, a.Y, b.X, b.Y, color.V0, color.V1, color.V2, color.V3, thickness, (int)lineType));
    }

    /// <summary>Fills one polygon.</summary>
    public static unsafe void FillPoly(Mat img, ReadOnlySpan<Point> points, Scalar color, LineType lineType = LineType.AntiAliased)
    {
        ArgumentNullException.ThrowIfNull(img);
        // Point is two ints, exactly cv::Point's layout, so the span passes as (x, y) pairs.
        fixed (Point* p = points)
        {
            NativeError.Check(NativeMethods.mt_fill_poly(img.Handle, (int*)p, points.Length, color.V0, color.V1, color.V2, color.V3, (int)lineType));
        }
    }

    /// <summary>dst = a * alpha + b * beta + gamma (saturated); a and b must match in size and type.</summary>
    public static void AddWeighted(Mat a, double alpha, Mat b, double beta, double gamma, Mat dst)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(dst);
        NativeError.Check(NativeMethods.mt_add_weighted(a.Handle, alpha, b.Handle, beta, gamma, dst.Handle));
    }

    /// <summary>Gaussian blur; kernel sides must be odd (or 0 to derive them from sigma).</summary>
    public static void GaussianBlur(Mat src, Mat dst, Size kernel, double sigma)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(dst);
        NativeError.Check(NativeMethods.mt_gaussian_blur(src.Handle, dst.Handle, kernel.Width, kernel.Height, sigma));
    }

    /// <summary>Runs <paramref name="fill"/> on a new Mat and returns it, disposing it if fill throws.</summary>
    internal static Mat Produce(Action<Mat> fill)
    {
        var dst = new Mat();
        try
        {
            fill(dst);
            return dst;
        }
        catch
        {
            dst.Dispose();
            throw;
        }
    }
}
