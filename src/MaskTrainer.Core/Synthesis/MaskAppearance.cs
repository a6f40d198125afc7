namespace MaskTrainer.Synthesis;

/// <summary>
/// Everything that decides how one mask looks: style, colours, print, how far it reaches up
/// the nose and down the chin, shading. Shape values are in face units (eye distance) or
/// fractions of landmark distances, so the same appearance fits any face. Immutable;
/// <see cref="Random"/> draws one from a seeded generator.
/// </summary>
public sealed record MaskAppearance
{
    /// <summary>Kind of mask. Default <see cref="MaskStyle.Surgical"/>.</summary>
    public MaskStyle Style { get; init; } = MaskStyle.Surgical;

    /// <summary>Fabric colour. Default light blue.</summary>
    public MaskColor Color { get; init; } = MaskColor.FromRgb(150, 196, 226);

    /// <summary>Print colour of <see cref="Pattern"/> (and the ear loops of black masks). Default white.</summary>
    public MaskColor AccentColor { get; init; } = MaskColor.FromRgb(245, 245, 245);

    /// <summary>Print; only drawn for <see cref="MaskStyle.Patterned"/>. Default none.</summary>
    public MaskPattern Pattern { get; init; } = MaskPattern.None;

    /// <summary>Repeat length of the print in face units. Default 0.22.</summary>
    public double PatternScale { get; init; } = 0.22;

    /// <summary>Angle of stripes and checks relative to the eye line, degrees. Default 0.</summary>
    public double PatternAngle { get; init; }

    /// <summary>
    /// Where the top edge crosses the nose, as a fraction of the way from the eye line to the
    /// nose tip (0 = eye level, 1 = nose tip). Default 0.45: masks sit on the nose bridge.
    /// </summary>
    public double NoseBridge { get; init; } = 0.45;

    /// <summary>
    /// How far below the mouth the mask ends, as a fraction of the eye-to-mouth distance.
    /// Default 0.7: the chin is about 0.6 below the mouth, so the mask wraps under it.
    /// </summary>
    public double ChinDrop { get; init; } = 0.7;

    /// <summary>How far towards each ear the sides reach, as a fraction of the mouth-to-ear distance. Default 0.92.</summary>
    public double SideReach { get; init; } = 0.92;

    /// <summary>How much of the scene's light falloff across the lower face is carried onto the mask, 0..1. Default 0.7.</summary>
    public double Shading { get; init; } = 0.7;

    /// <summary>Fabric grain: amplitude of per-pixel noise in grey levels. Default 3.</summary>
    public double Grain { get; init; } = 3;

    /// <summary>Blur of the fabric relative to the face size (1 = about 0.8% of the eye distance, at least half a pixel). Default 1.</summary>
    public double Softness { get; init; } = 1;

    /// <summary>
    /// Share of the photo's own fine detail (sensor noise, JPEG blocks, the faint relief of the
    /// lips and nose) kept on the fabric, 0..1. Default 0.4: pasted flat colour is the surest
    /// sign of a drawn mask.
    /// </summary>
    public double Detail { get; init; } = 0.4;

    /// <summary>Depth of soft creases across the fabric, as a fraction of its brightness. Default 0.1.</summary>
    public double Creases { get; init; } = 0.1;

    /// <summary>Draw ear loops from the mask's corners to the ears. Default true.</summary>
    public bool EarLoops { get; init; } = true;

    /// <summary>N95 only: an exhalation valve on one cheek. Default false.</summary>
    public bool Valve { get; init; }

    /// <summary>Seed of the per-pixel grain, so a rendering is reproducible.</summary>
    public int GrainSeed { get; init; }

    /// <summary>
    /// Draws an appearance of one of <paramref name="styles"/> (all styles when empty) from
    /// <paramref name="rng"/>: surgical and cloth 35% each, N95 and patterned 15% each.
    /// </summary>
    public static MaskAppearance Random(Random rng, IReadOnlyList<MaskStyle>? styles = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var style = PickStyle(rng, styles is { Count: > 0 } ? styles : Enum.GetValues<MaskStyle>());
        var color = MaskPalette.Base(style, rng);
        var pattern = style == MaskStyle.Patterned
            ? (MaskPattern)(1 + rng.Next(4))
            : MaskPattern.None;
        return new MaskAppearance
        {
            Style = style,
            Color = color,
            AccentColor = MaskPalette.AccentFor(color, rng),
            Pattern = pattern,
            PatternScale = Between(rng, 0.14, 0.32),
            PatternAngle = pattern is MaskPattern.Stripes && rng.Next(3) == 0 ? Between(rng, -50, 50) : Between(rng, -8, 8),
            NoseBridge = Between(rng, 0.1, 0.45),
            ChinDrop = Between(rng, 0.75, 1.05),
            SideReach = Between(rng, 0.94, 1.08),
            Shading = Between(rng, 0.45, 0.9),
            Grain = Between(rng, 1.5, 5),
            Softness = Between(rng, 0.7, 1.6),
            Detail = Between(rng, 0.25, 0.7),
            Creases = Between(rng, 0.04, 0.2),
            EarLoops = style != MaskStyle.Cloth || rng.Next(2) == 0,
            Valve = style == MaskStyle.N95 && rng.Next(3) == 0,
            GrainSeed = rng.Next(),
        };
    }

    /// <summary>
    /// Styles are drawn with weights close to how often they are worn in public photos (plain
    /// disposables and fabric masks far more than respirators and prints), renormalised over
    /// the allowed <paramref name="styles"/>.
    /// </summary>
    private static MaskStyle PickStyle(Random rng, IReadOnlyList<MaskStyle> styles)
    {
        static int Weight(MaskStyle s) => s switch
        {
            MaskStyle.Surgical => 7,
            MaskStyle.Cloth => 7,
            _ => 3,
        };

        int total = 0;
        foreach (var s in styles)
        {
            total += Weight(s);
        }

        int roll = rng.Next(total);
        foreach (var s in styles)
        {
            roll -= Weight(s);
            if (roll < 0)
            {
                return s;
            }
        }

        return styles[^1];
    }

    private static double Between(Random rng, double low, double high) => low + (high - low) * rng.NextDouble();
}
