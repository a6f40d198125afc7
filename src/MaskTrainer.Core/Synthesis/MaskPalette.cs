namespace MaskTrainer.Synthesis;

/// <summary>
/// Colours masks are drawn in, per style, weighted roughly by how often they appear in public
/// photos of masked people: mostly light-blue, white and black disposables, then dark and
/// bright fabrics. A palette that is too narrow teaches a classifier "blue blob = mask".
/// </summary>
internal static class MaskPalette
{
    private static readonly (MaskColor Color, int Weight)[] Surgical =
    [
        (MaskColor.FromRgb(150, 196, 226), 5), // classic light blue
        (MaskColor.FromRgb(120, 170, 215), 2), // deeper blue
        (MaskColor.FromRgb(238, 240, 242), 4), // white
        (MaskColor.FromRgb(32, 33, 36), 4),    // black
        (MaskColor.FromRgb(168, 214, 196), 1), // green
        (MaskColor.FromRgb(236, 182, 200), 1), // pink
        (MaskColor.FromRgb(190, 192, 198), 1), // grey
    ];

    private static readonly (MaskColor Color, int Weight)[] Cloth =
    [
        (MaskColor.FromRgb(28, 28, 30), 5),    // black
        (MaskColor.FromRgb(70, 72, 78), 2),    // charcoal
        (MaskColor.FromRgb(150, 152, 158), 2), // grey
        (MaskColor.FromRgb(235, 235, 232), 3), // white
        (MaskColor.FromRgb(32, 44, 80), 2),    // navy
        (MaskColor.FromRgb(212, 192, 165), 1), // beige
        (MaskColor.FromRgb(222, 52, 120), 1),  // fuchsia
        (MaskColor.FromRgb(196, 168, 220), 1), // lavender
        (MaskColor.FromRgb(120, 30, 40), 1),   // maroon
        (MaskColor.FromRgb(80, 120, 180), 1),  // denim
    ];

    private static readonly (MaskColor Color, int Weight)[] N95 =
    [
        (MaskColor.FromRgb(240, 240, 236), 6), // white
        (MaskColor.FromRgb(30, 30, 32), 3),    // black
        (MaskColor.FromRgb(175, 178, 182), 2), // grey
        (MaskColor.FromRgb(160, 200, 228), 1), // light blue
    ];

    private static readonly (MaskColor Color, int Weight)[] Accent =
    [
        (MaskColor.FromRgb(245, 245, 245), 3),
        (MaskColor.FromRgb(20, 20, 22), 3),
        (MaskColor.FromRgb(200, 40, 40), 2),
        (MaskColor.FromRgb(240, 200, 60), 1),
        (MaskColor.FromRgb(40, 110, 190), 2),
        (MaskColor.FromRgb(60, 150, 80), 1),
        (MaskColor.FromRgb(230, 120, 170), 1),
    ];

    public static MaskColor Base(MaskStyle style, Random rng) => Pick(style switch
    {
        MaskStyle.Surgical => Surgical,
        MaskStyle.N95 => N95,
        _ => Cloth,
    }, rng);

    /// <summary>A print colour that differs clearly in brightness or hue from <paramref name="background"/>.</summary>
    public static MaskColor AccentFor(MaskColor background, Random rng)
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            var c = Pick(Accent, rng);
            if (Math.Abs(c.Luma - background.Luma) > 45 || ColorDistance(c, background) > 150)
            {
                return c;
            }
        }

        return background.Luma > 128 ? MaskColor.FromRgb(25, 25, 28) : MaskColor.FromRgb(240, 240, 240);
    }

    private static double ColorDistance(MaskColor a, MaskColor b) =>
        Math.Sqrt(Square(a.B - b.B) + Square(a.G - b.G) + Square(a.R - b.R));

    private static double Square(double x) => x * x;

    private static MaskColor Pick((MaskColor Color, int Weight)[] choices, Random rng)
    {
        int total = 0;
        foreach (var c in choices)
        {
            total += c.Weight;
        }

        int roll = rng.Next(total);
        foreach (var c in choices)
        {
            roll -= c.Weight;
            if (roll < 0)
            {
                return c.Color;
            }
        }

        return choices[^1].Color;
    }
}
