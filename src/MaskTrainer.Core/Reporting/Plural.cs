using System.Globalization;

namespace MaskTrainer.Reporting;

/// <summary>
/// A count and its noun for the lines people read: "1 image", "12 images", "0 faces" (JSON names
/// stay as they are). The words the detector app's human lines use, for the training app's too,
/// which said "12 image(s)".
/// </summary>
public static class Plural
{
    /// <param name="count">How many.</param>
    /// <param name="singular">The noun for one ("image").</param>
    /// <param name="plural">The noun for any other count; null adds an s, as every noun counted so far takes.</param>
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}
