using System.Globalization;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Alerts;

/// <summary>
/// The --min-distance value: "120" or "120px" is 120 pixels between face centres; "3w" is three
/// times the mean width of the two faces (a face is about 15 cm wide, so "3w" is roughly 45 cm
/// side by side, ignoring depth).
/// </summary>
public readonly record struct DistanceThreshold(double Value, DistanceUnit Unit)
{
    /// <summary>The default: three face widths.</summary>
    public static DistanceThreshold Default { get; } = new(3, DistanceUnit.FaceWidths);

    /// <summary>The distance in pixels under which faces <paramref name="a"/> and <paramref name="b"/> are too close.</summary>
    public double PixelsFor(Rect a, Rect b) =>
        Unit == DistanceUnit.Pixels ? Value : Value * (a.Width + b.Width) / 2.0;

    /// <summary>Parses "120", "120px" or "3w"; false (with a reason) for anything else or a negative value.</summary>
    public static bool TryParse(string? text, out DistanceThreshold threshold, out string problem)
    {
        threshold = default;
        var s = (text ?? "").Trim().ToLowerInvariant();
        var unit = DistanceUnit.Pixels;
        if (s.EndsWith("px", StringComparison.Ordinal))
        {
            s = s[..^2];
        }
        else if (s.EndsWith('w'))
        {
            s = s[..^1];
            unit = DistanceUnit.FaceWidths;
        }

        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            problem = $"'{text}' is not a distance: use pixels (\"120\" or \"120px\") or face widths (\"3w\")";
            return false;
        }

        if (value < 0)
        {
            problem = $"'{text}': the distance cannot be negative";
            return false;
        }

        threshold = new DistanceThreshold(value, unit);
        problem = "";
        return true;
    }

    public override string ToString() => Unit == DistanceUnit.Pixels
        ? string.Create(CultureInfo.InvariantCulture, $"{Value:0.##}px")
        : string.Create(CultureInfo.InvariantCulture, $"{Value:0.##}w");
}
