using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// Draws a mask onto a photo, in place. The outline comes from <see cref="MaskGeometry"/>; the
/// fabric is shaded in the face's own frame (pleats, seams, folds and prints follow the face's
/// roll and scale), lit like the lower face it covers (a least-squares plane through the skin
/// brightness, so a face lit from one side gets a mask lit from that side, without copying the
/// mouth or beard through), darkened where it wraps round the cheeks and chin, grained, and
/// blended with a feathered edge. Deterministic: the same image, landmarks and appearance
/// give the same pixels.
/// </summary>
public static class MaskRenderer
{
    /// <summary>Skin brightness of a well-exposed photo; darker scenes get proportionally darker masks.</summary>
    private const double ReferenceLuma = 135;

    /// <summary>
    /// Draws the mask described by <paramref name="appearance"/> on <paramref name="image"/>
    /// (8-bit BGR, modified in place) and returns where it went. Parts outside the image are clipped.
    /// </summary>
    public static MaskGeometry Render(Mat image, FaceLandmarks landmarks, MaskAppearance appearance)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(landmarks);
        ArgumentNullException.ThrowIfNull(appearance);
        if (image.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException($"the mask renderer needs an 8-bit BGR image, got {image.Type()}", nameof(image));
        }

        var geometry = MaskGeometry.Place(landmarks, appearance);
        double scale = geometry.Frame.Scale;
        double feather = Math.Max(0.5, scale * 0.012);
        int margin = (int)Math.Ceiling(3 * feather) + 1;
        var b = geometry.Bounds;
        var region = new Rect(b.X - margin, b.Y - margin, b.Width + 2 * margin, b.Height + 2 * margin)
            .Intersect(new Rect(0, 0, image.Cols, image.Rows));
        if (region.IsEmpty)
        {
            return geometry;
        }

        if (appearance.EarLoops)
        {
            DrawEarLoops(image, landmarks, geometry, appearance);
        }

        using var alpha = new Mat(region.Height, region.Width, MatType.CV_8UC1, Scalar.All(0));
        var polygon = new Point[geometry.Outline.Count];
        for (int i = 0; i < polygon.Length; i++)
        {
            polygon[i] = new Point((int)Math.Round(geometry.Outline[i].X - region.X), (int)Math.Round(geometry.Outline[i].Y - region.Y));
        }

        Cv2.FillPoly(alpha, [polygon], Scalar.All(255), LineTypes.AntiAlias);
        Cv2.GaussianBlur(alpha, alpha, new Size(0, 0), feather);

        var light = Lighting.Fit(image, alpha, region);
        Paint(image, alpha, region, geometry, appearance, light);
        return geometry;
    }

    private static void Paint(Mat image, Mat alpha, Rect region, MaskGeometry g, MaskAppearance a, Lighting light)
    {
        // The fabric is painted over the whole region first, then softened to the photo's
        // sharpness and only then cut out by the feathered outline: a crisp synthetic edge or
        // pleat on a soft photo is exactly what a classifier would learn instead of "mask".
        using var layer = new Mat(region.Height, region.Width, MatType.CV_8UC3, Scalar.All(0));
        var fabric = layer.GetBytes();
        var (u0, udx, udy, v0, vdx, vdy) = g.Frame.Affine();
        var painter = new FabricPainter(g, a, 1 / g.Frame.Scale);
        double exposure = Math.Pow(Math.Clamp(light.Mean / ReferenceLuma, 0.3, 1.2), 0.85);
        for (int y = 0; y < region.Height; y++)
        {
            int iy = region.Y + y;
            for (int x = 0; x < region.Width; x++)
            {
                int ix = region.X + x;
                double u = u0 + (udx * ix) + (udy * iy);
                double v = v0 + (vdx * ix) + (vdy * iy);
                painter.Colour(u, v, out double cb, out double cg, out double cr);
                double shade = exposure * (1 + (a.Shading * (light.Relative(ix, iy) - 1)));
                double grain = (Noise(ix, iy, a.GrainSeed) - 0.5) * 2 * a.Grain;
                int q = ((y * region.Width) + x) * 3;
                fabric[q] = Clamp((cb * shade) + grain);
                fabric[q + 1] = Clamp((cg * shade) + grain);
                fabric[q + 2] = Clamp((cr * shade) + grain);
            }
        }

        Cv2.GaussianBlur(layer, layer, new Size(0, 0), a.Softness * Math.Max(0.5, g.Frame.Scale * 0.008));
        fabric = layer.GetBytes();

        // The photo's own fine detail: grey minus its blur, a band of one or two pixels.
        using var part = image.Clone(region);
        using var grey = new Mat();
        Cv2.CvtColor(part, grey, ColorConversionCodes.BGR2GRAY);
        using var smooth = new Mat();
        Cv2.GaussianBlur(grey, smooth, new Size(0, 0), Math.Max(1.0, g.Frame.Scale * 0.02));
        var fine = grey.GetBytes();
        var coarse = smooth.GetBytes();
        var pixels = image.GetBytes();
        var coverage = alpha.GetBytes();
        int stride = image.Cols * 3;
        for (int y = 0; y < region.Height; y++)
        {
            int rowStart = ((region.Y + y) * stride) + (region.X * 3);
            for (int x = 0; x < region.Width; x++)
            {
                int cover = coverage[(y * region.Width) + x];
                if (cover == 0)
                {
                    continue;
                }

                double w = cover / 255.0;
                int p = rowStart + (x * 3);
                int k = (y * region.Width) + x;
                int q = k * 3;
                double detail = a.Detail * (fine[k] - coarse[k]);
                pixels[p] = Blend(pixels[p], fabric[q] + detail, w);
                pixels[p + 1] = Blend(pixels[p + 1], fabric[q + 1] + detail, w);
                pixels[p + 2] = Blend(pixels[p + 2], fabric[q + 2] + detail, w);
            }
        }
    }

    private static byte Clamp(double value) => (byte)Math.Clamp((int)Math.Round(value), 0, 255);

    private static byte Blend(byte under, double over, double w)
    {
        double value = (under * (1 - w)) + (over * w);
        return (byte)Math.Clamp((int)Math.Round(value), 0, 255);
    }

    /// <summary>Ear loops: thin cords from the mask's top and bottom corners to each ear.</summary>
    private static void DrawEarLoops(Mat image, FaceLandmarks landmarks, MaskGeometry g, MaskAppearance a)
    {
        int thickness = Math.Max(1, (int)Math.Round(g.Frame.Scale * 0.035));
        // Disposable masks mostly have white elastic; fabric masks have loops of their own colour.
        var c = a.Style == MaskStyle.Surgical && a.Color.Luma > 60 ? MaskColor.FromRgb(236, 236, 236) : a.Color;
        var colour = new Scalar(c.B * 0.85, c.G * 0.85, c.R * 0.85);
        var f = g.Frame;
        var (ru, rv) = f.ToFace(landmarks.RightEar);
        var (lu, lv) = f.ToFace(landmarks.LeftEar);

        // A loop runs back over the cheek to the ear. When the ear landmark is not outside the
        // mask (a turned head, a guessed ear) or sits at eye level, a straight cord would cross
        // the face or the eye, which no real loop does: leave that side's loops out.
        if (ru < g.RightU - 0.08)
        {
            double v = Math.Max(rv, 0.2);
            DrawCord(image, f.ToImage(g.RightU, g.SideTopV + 0.04), f.ToImage(ru, v - 0.05), colour, thickness);
            DrawCord(image, f.ToImage(g.RightU * 0.98, g.JawStartV + 0.12), f.ToImage(ru + 0.04, v + 0.22), colour, thickness);
        }

        if (lu > g.LeftU + 0.08)
        {
            double v = Math.Max(lv, 0.2);
            DrawCord(image, f.ToImage(g.LeftU, g.SideTopV + 0.04), f.ToImage(lu, v - 0.05), colour, thickness);
            DrawCord(image, f.ToImage(g.LeftU * 0.98, g.JawStartV + 0.12), f.ToImage(lu - 0.04, v + 0.22), colour, thickness);
        }
    }

    private static void DrawCord(Mat image, Point2f from, Point2f to, Scalar colour, int thickness)
    {
        var a = new Point((int)Math.Round(from.X), (int)Math.Round(from.Y));
        var b = new Point((int)Math.Round(to.X), (int)Math.Round(to.Y));
        Cv2.Line(image, a, b, colour, thickness, LineTypes.AntiAlias);
    }

    /// <summary>Deterministic per-pixel value in [0, 1): a hash, so grain does not depend on drawing order.</summary>
    internal static double Noise(int x, int y, int seed)
    {
        unchecked
        {
            uint h = (uint)seed ^ ((uint)x * 0x8DA6B343u) ^ ((uint)y * 0xD8163841u);
            h ^= h >> 16;
            h *= 0x7FEB352Du;
            h ^= h >> 15;
            h *= 0x846CA68Bu;
            h ^= h >> 16;
            return (h >> 8) / (double)(1 << 24);
        }
    }
}
