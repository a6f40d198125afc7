using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Rendering;

/// <summary>Filled boxes blended over a frame (label backgrounds, banners) without allocating per frame.</summary>
internal static class Translucent
{
    /// <summary>
    /// Blends a filled box over the 8-bit BGR <paramref name="frame"/>: alpha 1 paints it solid,
    /// 0.5 lets the picture show through. The box is clipped to the frame.
    /// </summary>
    public static void FillRectangle(Mat frame, Rect rect, Scalar colour, double alpha)
    {
        var box = rect.Intersect(new Rect(0, 0, frame.Cols, frame.Rows));
        if (box.IsEmpty)
        {
            return;
        }

        if (alpha >= 1)
        {
            Cv2.Rectangle(frame, box, colour, thickness: -1);
            return;
        }

        // The same arithmetic as cv::addWeighted(colour, alpha, roi, 1 - alpha), rounded, on the
        // frame's own bytes: an ROI view and a colour Mat would cost two allocations per box.
        var pixels = frame.GetBytes();
        int stride = frame.Cols * 3;
        float a = (float)alpha, keep = 1 - a;
        float b = (float)colour.Val0 * a, g = (float)colour.Val1 * a, r = (float)colour.Val2 * a;
        for (int y = box.Y; y < box.Bottom; y++)
        {
            var row = pixels.Slice(y * stride + box.X * 3, box.Width * 3);
            for (int i = 0; i < row.Length; i += 3)
            {
                row[i] = (byte)Math.Clamp(MathF.Round(row[i] * keep + b), 0, 255);
                row[i + 1] = (byte)Math.Clamp(MathF.Round(row[i + 1] * keep + g), 0, 255);
                row[i + 2] = (byte)Math.Clamp(MathF.Round(row[i + 2] * keep + r), 0, 255);
            }
        }
    }
}
