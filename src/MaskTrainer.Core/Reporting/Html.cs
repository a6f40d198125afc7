using System.Globalization;
using System.Text;

namespace MaskTrainer.Reporting;

/// <summary>Escaping and number formatting shared by the page and its SVG charts.</summary>
internal static class Html
{
    /// <summary>
    /// Escapes text for element content and for double- or single-quoted attributes alike, so
    /// labels and file paths (which the user controls) can never open a tag or end an attribute.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                default:
                    // Control characters have no business in a report and some are invalid in HTML.
                    builder.Append(char.IsControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Invariant, short number for SVG coordinates.</summary>
    public static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>"93.8%"; "–" for NaN/infinite.</summary>
    public static string Percent(double value, int decimals = 1) =>
        double.IsFinite(value) ? (value * 100).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%" : "–";

    /// <summary>Fixed decimals; "–" for NaN/infinite.</summary>
    public static string Fixed(double value, int decimals = 3) =>
        double.IsFinite(value) ? value.ToString("F" + decimals, CultureInfo.InvariantCulture) : "–";

    public static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Shortens text to <paramref name="max"/> characters with an ellipsis (for chart labels).</summary>
    public static string Truncate(string text, int max) =>
        text.Length <= max ? text : text[..Math.Max(1, max - 1)] + "…";

    /// <summary>Rough rendered width of sans-serif text, used to size chart margins.</summary>
    public static double TextWidth(string text, double fontSize) => text.Length * fontSize * 0.56;
}
