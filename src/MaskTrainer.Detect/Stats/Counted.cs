using System.Globalization;

namespace MaskTrainer.Detect.Stats;

/// <summary>A count and its noun for the human lines: "1 frame", "2 frames", "0 faces" (the JSON field names stay plural).</summary>
internal static class Counted
{
    /// <param name="count">How many.</param>
    /// <param name="singular">The noun for one ("image"); the plural adds an s, as every noun counted here does.</param>
    public static string Of(long count, string singular) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {singular}{(count == 1 ? "" : "s")}");
}
