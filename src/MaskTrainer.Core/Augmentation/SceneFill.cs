using MaskTrainer.Data;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Augmentation;

/// <summary>
/// Paints procedural scene content into the part of a face crop that lies beyond its source photo.
/// Why: mask-sample's photos are tight face crops, so the detector's box often runs past the photo
/// (mostly below the chin), and <see cref="Faces.FaceCropper"/> fills that part by replicating the
/// photo's border: streaks. A camera always shows something real there (neck, collar, clothes, a
/// table, background), often behind a straight edge. A head that only ever saw streaks under the chin
/// reads real content there as something covering the lower face, i.e. a mask (docs/small-faces.md,
/// "The framing figure's seven errors"). So some augmented copies, of both classes alike, get a random
/// colour there, a straight edge between two colours, stripes or a gradient, with mild blur and noise;
/// the rest of the crop, the photo and the (blanked) margin, is left as it is. Stateless and thread-safe.
/// </summary>
public static class SceneFill
{
    // Pattern shares: a flat colour, a straight edge, stripes, a gradient (cumulative).
    private const double FlatShare = 0.25, EdgeShare = 0.65, StripesShare = 0.8;

    /// <summary>
    /// Draws one copy's fill, or null (probability 1 − <paramref name="probability"/>) when the copy keeps
    /// the crop's own border. Every value is drawn whether it is used or not, in a fixed order.
    /// </summary>
    internal static SceneFillParameters? Sample(double probability, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        bool fill = random.NextDouble() < probability;
        double kind = random.NextDouble();
        var first = Colour(random);
        var second = Colour(random);
        double angle = random.NextDouble() * 360;
        double originX = random.NextDouble(), originY = random.NextDouble();
        double period = 0.04 + 0.36 * random.NextDouble();
        bool blur = random.NextDouble() < 0.5;
        double blurSigma = 0.01 * random.NextDouble();
        bool noise = random.NextDouble() < 0.5;
        double noiseSigma = 6 * random.NextDouble();
        int noiseSeed = (int)(random.NextUInt64() >> 33);
        if (!fill)
        {
            return null;
        }

        var pattern = kind < FlatShare ? SceneFillPattern.Flat
            : kind < EdgeShare ? SceneFillPattern.Edge
            : kind < StripesShare ? SceneFillPattern.Stripes
            : SceneFillPattern.Gradient;
        return new SceneFillParameters(pattern, first, second, angle, originX, originY, period,
            blur ? blurSigma : 0, noise ? noiseSigma : 0, noiseSeed);
    }

    /// <summary>
    /// A copy of <paramref name="crop"/> (8-bit BGR) whose pixels inside <paramref name="within"/> and
    /// outside <paramref name="photo"/> show <paramref name="p"/>'s content; every other pixel is
    /// unchanged. Null when there is no such pixel (the box lies inside the photo). The caller disposes the result.
    /// </summary>
    /// <param name="photo">Where the source photo lies, in the crop's coordinates (it may reach past the crop).</param>
    /// <param name="within">Where to paint, in the crop's coordinates: the face box when the margin is blanked, else the whole crop.</param>
    public static Mat? Apply(Mat crop, Rect photo, Rect within, SceneFillParameters p)
    {
        ArgumentNullException.ThrowIfNull(crop);
        ArgumentNullException.ThrowIfNull(p);
        if (crop.Type() != MatType.CV_8UC3)
        {
            throw new ArgumentException($"expected an 8-bit BGR image, got {crop.Type()}", nameof(crop));
        }

        var area = within.Intersect(new Rect(0, 0, crop.Cols, crop.Rows));
        if (area.Width <= 0 || area.Height <= 0 ||
            (area.X >= photo.X && area.Y >= photo.Y && area.Right <= photo.Right && area.Bottom <= photo.Bottom))
        {
            return null;
        }

        using var scene = Paint(area, Math.Max(crop.Cols, crop.Rows), p);
        if (p.BlurSigma > 0)
        {
            double sigma = p.BlurSigma * Math.Max(crop.Cols, crop.Rows);
            Cv2.GaussianBlur(scene, scene, new Size(0, 0), sigma, sigma, BorderTypes.Replicate);
        }

        var result = crop.Clone();
        try
        {
            Composite(result, scene, area, photo, p);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>The pattern over the whole of <paramref name="area"/> (the bounding box of the painted part), as a new Mat of its size.</summary>
    private static Mat Paint(Rect area, int side, SceneFillParameters p)
    {
        var scene = new Mat(area.Height, area.Width, MatType.CV_8UC3);
        var bytes = scene.GetBytes();
        double angle = p.AngleDegrees * Math.PI / 180;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        // The origin lies anywhere in the face box (the painted area), most of which is the photo:
        // an edge or a gradient then often falls outside the strip beyond the photo, which shows one
        // colour. So the strip's own pattern mix has more flat colours than the draw shares say
        // (docs/small-faces.md); changing that changes every copy, and is left for a measured change.
        double ox = p.OriginX * area.Width, oy = p.OriginY * area.Height;
        double period = Math.Max(2, p.Period * side);
        for (int y = 0; y < area.Height; y++)
        {
            for (int x = 0; x < area.Width; x++)
            {
                double s = (x + 0.5 - ox) * cos + (y + 0.5 - oy) * sin; // signed distance from the edge line
                double t = p.Pattern switch
                {
                    SceneFillPattern.Flat => 0,
                    SceneFillPattern.Edge => s < 0 ? 0 : 1,
                    SceneFillPattern.Stripes => s / period - Math.Floor(s / period) < 0.5 ? 0 : 1,
                    _ => Math.Clamp(s / period + 0.5, 0, 1),
                };
                int o = (y * area.Width + x) * 3;
                bytes[o] = Mix(p.First.B, p.Second.B, t);
                bytes[o + 1] = Mix(p.First.G, p.Second.G, t);
                bytes[o + 2] = Mix(p.First.R, p.Second.R, t);
            }
        }

        return scene;
    }

    /// <summary>Copies <paramref name="scene"/> (plus seeded noise) into the pixels of <paramref name="area"/> outside <paramref name="photo"/>.</summary>
    private static void Composite(Mat result, Mat scene, Rect area, Rect photo, SceneFillParameters p)
    {
        var target = result.GetBytes();
        var source = scene.GetBytes();
        var random = new SeededRandom(p.NoiseSeed);
        for (int y = area.Y; y < area.Bottom; y++)
        {
            bool rowInPhoto = y >= photo.Y && y < photo.Bottom;
            for (int x = area.X; x < area.Right; x++)
            {
                if (rowInPhoto && x >= photo.X && x < photo.Right)
                {
                    continue;
                }

                int o = (y * result.Cols + x) * 3;
                int s = ((y - area.Y) * area.Width + (x - area.X)) * 3;
                for (int c = 0; c < 3; c++)
                {
                    target[o + c] = p.NoiseSigma > 0
                        ? (byte)Math.Clamp(Math.Round(source[s + c] + p.NoiseSigma * random.NextGaussian()), 0, 255)
                        : source[s + c];
                }
            }
        }
    }

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t);

    /// <summary>Any hue, saturation and brightness (HSV uniform, brightness at least 5 %), as BGR.</summary>
    private static (byte B, byte G, byte R) Colour(SeededRandom random)
    {
        double h = random.NextDouble() * 6, s = random.NextDouble(), v = 0.05 + 0.95 * random.NextDouble();
        int sector = Math.Min(5, (int)h);
        double f = h - sector;
        double lo = v * (1 - s), down = v * (1 - s * f), up = v * (1 - s * (1 - f));
        var (r, g, b) = sector switch
        {
            0 => (v, up, lo),
            1 => (down, v, lo),
            2 => (lo, v, up),
            3 => (lo, down, v),
            4 => (up, lo, v),
            _ => (v, lo, down),
        };
        return (Byte(b), Byte(g), Byte(r));
    }

    private static byte Byte(double unit) => (byte)Math.Clamp(Math.Round(255 * unit), 0, 255);
}
