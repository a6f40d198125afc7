using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// The light falling on the lower face, as a plane fitted by least squares to the brightness
/// of the pixels a mask will cover. A plane keeps the direction and strength of the light
/// and drops the features (lips, nostrils, beard) that must not show through the fabric.
/// </summary>
internal readonly struct Lighting
{
    private readonly double a;
    private readonly double bx;
    private readonly double by;
    private readonly double cx;
    private readonly double cy;

    private Lighting(double mean, double a, double bx, double by, double cx, double cy)
    {
        Mean = mean;
        this.a = a;
        this.bx = bx;
        this.by = by;
        this.cx = cx;
        this.cy = cy;
    }

    /// <summary>Mean brightness (0..255) under the mask.</summary>
    public double Mean { get; }

    /// <summary>Fitted brightness at an image pixel relative to <see cref="Mean"/>, kept within 0.5..1.5.</summary>
    public double Relative(int x, int y) =>
        Math.Clamp((a + (bx * (x - cx)) + (by * (y - cy))) / Mean, 0.5, 1.5);

    /// <summary>Fits the plane over the pixels of <paramref name="region"/> where <paramref name="coverage"/> (region-sized, 8-bit) is at least half.</summary>
    public static Lighting Fit(Mat image, Mat coverage, Rect region)
    {
        var pixels = image.GetBytes();
        var cover = coverage.GetBytes();
        int stride = image.Cols * 3;
        double cx = region.X + (region.Width / 2.0);
        double cy = region.Y + (region.Height / 2.0);

        // Normal equations of L = a + b*dx + c*dy.
        double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, sl = 0, slx = 0, sly = 0;
        for (int y = 0; y < region.Height; y++)
        {
            double dy = region.Y + y - cy;
            int row = (region.Y + y) * stride;
            for (int x = 0; x < region.Width; x++)
            {
                if (cover[(y * region.Width) + x] < 128)
                {
                    continue;
                }

                double dx = region.X + x - cx;
                int p = row + ((region.X + x) * 3);
                double l = (0.114 * pixels[p]) + (0.587 * pixels[p + 1]) + (0.299 * pixels[p + 2]);
                n++;
                sx += dx;
                sy += dy;
                sxx += dx * dx;
                syy += dy * dy;
                sxy += dx * dy;
                sl += l;
                slx += l * dx;
                sly += l * dy;
            }
        }

        if (n < 1)
        {
            return new Lighting(ReferenceMean, ReferenceMean, 0, 0, cx, cy);
        }

        double mean = Math.Max(sl / n, 1);
        if (n < 12 || !Solve3(n, sx, sy, sx, sxx, sxy, sy, sxy, syy, sl, slx, sly, out var c0, out var c1, out var c2))
        {
            return new Lighting(mean, mean, 0, 0, cx, cy);
        }

        return new Lighting(mean, c0, c1, c2, cx, cy);
    }

    private const double ReferenceMean = 160;

    /// <summary>Cramer's rule for a 3x3 system; false when it is singular.</summary>
    private static bool Solve3(double m00, double m01, double m02, double m10, double m11, double m12, double m20, double m21, double m22,
        double r0, double r1, double r2, out double x0, out double x1, out double x2)
    {
        double det = (m00 * ((m11 * m22) - (m12 * m21))) - (m01 * ((m10 * m22) - (m12 * m20))) + (m02 * ((m10 * m21) - (m11 * m20)));
        if (Math.Abs(det) < 1e-9)
        {
            x0 = x1 = x2 = 0;
            return false;
        }

        x0 = ((r0 * ((m11 * m22) - (m12 * m21))) - (m01 * ((r1 * m22) - (m12 * r2))) + (m02 * ((r1 * m21) - (m11 * r2)))) / det;
        x1 = ((m00 * ((r1 * m22) - (m12 * r2))) - (r0 * ((m10 * m22) - (m12 * m20))) + (m02 * ((m10 * r2) - (r1 * m20)))) / det;
        x2 = ((m00 * ((m11 * r2) - (r1 * m21))) - (m01 * ((m10 * r2) - (r1 * m20))) + (r0 * ((m10 * m21) - (m11 * m20)))) / det;
        return true;
    }
}
