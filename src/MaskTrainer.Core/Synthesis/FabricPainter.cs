namespace MaskTrainer.Synthesis;

/// <summary>
/// Colour of the fabric at a point (u, v) of the face frame, before lighting: the style's
/// structure (pleats, seams, folds, valve), the wrap-around darkening at the cheeks and chin,
/// and the print. Works in face units so details keep their size relative to the face; edges
/// of fine details are smoothed over about one pixel (<c>pixel</c> = one pixel in face units).
/// </summary>
internal sealed class FabricPainter
{
    private readonly MaskGeometry g;
    private readonly MaskAppearance a;
    private readonly double pixel;
    private readonly double cos;
    private readonly double sin;
    private readonly double height;

    public FabricPainter(MaskGeometry geometry, MaskAppearance appearance, double pixel)
    {
        g = geometry;
        a = appearance;
        this.pixel = pixel;
        double angle = appearance.PatternAngle * Math.PI / 180;
        cos = Math.Cos(angle);
        sin = Math.Sin(angle);
        height = Math.Max(g.ChinV - g.TopV, 1e-3);
    }

    public void Colour(double u, double v, out double b, out double gr, out double r)
    {
        double halfWidth = u >= g.MidU ? g.LeftU - g.MidU : g.MidU - g.RightU;
        double s = Math.Clamp((u - g.MidU) / Math.Max(halfWidth, 1e-3), -1, 1);
        double t = Math.Clamp((v - g.TopV) / height, 0, 1);

        // The mask wraps round the cheeks and under the chin: those parts face away from the camera;
        // soft creases break up the flat fabric.
        double f = 1 - (0.24 * s * s) - (0.16 * Math.Max(0, t - 0.78) / 0.22);
        f *= 1 + (a.Creases * 2 * (ValueNoise(u * 3.2, v * 4.5, a.GrainSeed ^ 0x3C6E) - 0.5));

        b = a.Color.B;
        gr = a.Color.G;
        r = a.Color.R;
        switch (a.Style)
        {
            case MaskStyle.Surgical:
                f *= Pleats(t) * (Math.Abs(s) > 0.9 ? 0.93 : 1) * (t < 0.07 ? 1.04 : 1);
                break;
            case MaskStyle.N95:
                f *= CentreFold(u, v, t, 0.15) * (s < 0 ? 0.95 : 1.02);
                if (a.Valve && Valve(s, t, ref b, ref gr, ref r, out double valveShade))
                {
                    f *= valveShade;
                }

                break;
            case MaskStyle.Patterned:
                Print(u, v, ref b, ref gr, ref r);
                f *= CentreFold(u, v, t, 0.1);
                break;
            default:
                f *= CentreFold(u, v, t, 0.2);
                break;
        }

        b *= f;
        gr *= f;
        r *= f;
    }

    /// <summary>Three horizontal pleats: a shadow line under each fold and a highlight above the next.</summary>
    private double Pleats(double t)
    {
        const double first = 0.27;
        const double spacing = 0.19;
        double q = (t - first) / spacing;
        if (q < 0 || q >= 3)
        {
            return 1;
        }

        double phase = q - Math.Floor(q);
        double width = Math.Max(0.05, 1.5 * pixel / (spacing * height));
        double shadow = Math.Exp(-Square((phase - 0.92) / width));
        double highlight = Math.Exp(-Square((phase - 0.08) / (2 * width)));
        return 1 - (0.2 * shadow) + (0.06 * highlight);
    }

    /// <summary>The seam or fold down the middle, from the nose bridge to the chin.</summary>
    private double CentreFold(double u, double v, double t, double depth)
    {
        double seamU = g.MidU + ((g.BridgeU - g.MidU) * (1 - t));
        double d = Math.Abs(u - seamU);
        double width = Math.Max(0.012, 1.2 * pixel);
        return 1 - (depth * Math.Exp(-Square(d / width)));
    }

    private bool Valve(double s, double t, ref double b, ref double gr, ref double r, out double shade)
    {
        double ds = (s - 0.5) * 1.1;
        double dt = (t - 0.62) * height / 0.5;
        double d = Math.Sqrt((ds * ds) + (dt * dt));
        shade = 1;
        if (d > 0.3)
        {
            return false;
        }

        // A moulded plastic disc, a shade off the fabric colour, with a darker rim.
        double grey = a.Color.Luma > 128 ? 0.78 : 1.6;
        b = Math.Min(255, (b * grey) + 8);
        gr = Math.Min(255, (gr * grey) + 8);
        r = Math.Min(255, (r * grey) + 8);
        shade = d > 0.24 ? 0.75 : 1.05 - (0.3 * d);
        return true;
    }

    private void Print(double u, double v, ref double b, ref double gr, ref double r)
    {
        double pu = (u * cos) + (v * sin);
        double pv = (-u * sin) + (v * cos);
        double period = a.PatternScale;
        double edge = Math.Max(pixel / period, 0.02);
        double mix = a.Pattern switch
        {
            MaskPattern.Stripes => Band(pv / period, 0.42, edge),
            MaskPattern.Checks => 0.55 * (Band(pu / period, 0.35, edge) + Band(pv / period, 0.35, edge)),
            MaskPattern.Dots => Dot(pu / period, pv / period, 0.24, edge, 0),
            MaskPattern.Spots => Dot(pu / (1.4 * period), pv / (1.4 * period), 0, edge, a.GrainSeed),
            _ => 0,
        };
        mix = Math.Clamp(mix, 0, 1);
        b += (a.AccentColor.B - b) * mix;
        gr += (a.AccentColor.G - gr) * mix;
        r += (a.AccentColor.R - r) * mix;
    }

    /// <summary>1 inside the first <paramref name="duty"/> of each period of <paramref name="x"/>, smoothed over <paramref name="edge"/>.</summary>
    private static double Band(double x, double duty, double edge)
    {
        double phase = x - Math.Floor(x);
        double rise = SmoothStep(-edge, edge, phase) * (1 - SmoothStep(duty - edge, duty + edge, phase));
        double wrap = SmoothStep(1 - edge, 1 + edge, phase);
        return Math.Max(rise, wrap);
    }

    /// <summary>A disc per unit cell: fixed radius for dots; random size, position and presence per cell for spots.</summary>
    private static double Dot(double x, double y, double radius, double edge, int seed)
    {
        double cellX = Math.Floor(x);
        double cellY = Math.Floor(y);
        double centreX = 0.5;
        double centreY = 0.5;
        if (seed != 0 || radius <= 0)
        {
            int ix = (int)cellX;
            int iy = (int)cellY;
            if (MaskRenderer.Noise(ix, iy, seed ^ 0x51ED) < 0.3)
            {
                return 0;
            }

            radius = 0.14 + (0.22 * MaskRenderer.Noise(ix, iy, seed ^ 0x2F3B));
            centreX = 0.3 + (0.4 * MaskRenderer.Noise(ix, iy, seed ^ 0x7A11));
            centreY = 0.3 + (0.4 * MaskRenderer.Noise(ix, iy, seed ^ 0x0C4D));
        }

        double dx = x - cellX - centreX;
        double dy = y - cellY - centreY;
        double d = Math.Sqrt((dx * dx) + (dy * dy));
        return 1 - SmoothStep(radius - edge, radius + edge, d);
    }

    /// <summary>Smooth noise in [0, 1]: hashed lattice values, bilinearly interpolated with a smoothstep.</summary>
    private static double ValueNoise(double x, double y, int seed)
    {
        double fx = Math.Floor(x);
        double fy = Math.Floor(y);
        int ix = (int)fx;
        int iy = (int)fy;
        double tx = SmoothStep(0, 1, x - fx);
        double ty = SmoothStep(0, 1, y - fy);
        double a = MaskRenderer.Noise(ix, iy, seed);
        double b = MaskRenderer.Noise(ix + 1, iy, seed);
        double c = MaskRenderer.Noise(ix, iy + 1, seed);
        double d = MaskRenderer.Noise(ix + 1, iy + 1, seed);
        return (a + ((b - a) * tx)) + (((c + ((d - c) * tx)) - (a + ((b - a) * tx))) * ty);
    }

    private static double SmoothStep(double lo, double hi, double x)
    {
        double k = Math.Clamp((x - lo) / (hi - lo), 0, 1);
        return k * k * (3 - (2 * k));
    }

    private static double Square(double x) => x * x;
}
