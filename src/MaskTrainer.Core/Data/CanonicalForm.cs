using System.Text;

namespace MaskTrainer.Data;

/// <summary>
/// Unicode canonical decomposition (NFD) without ICU. The app runs with invariant globalization,
/// where <see cref="string.Normalize()"/> does nothing, yet a folder named on macOS reaches Linux
/// decomposed ("u" + U+0308) while the same name typed here is composed ("ü"). Two strings are
/// canonically equivalent exactly when their NFD forms are equal, so comparing these is comparing
/// their NFC forms, with only the decomposition tables (<see cref="UnicodeCanonicalData"/>) to carry.
/// </summary>
public static class CanonicalForm
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = 19 * NCount;

    /// <summary><paramref name="text"/> in NFD: decomposed, combining marks in canonical order.</summary>
    public static string Decompose(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Ascii.IsValid(text))
        {
            return text;
        }

        var points = new List<int>(text.Length + 4);
        foreach (var rune in text.EnumerateRunes())
        {
            Append(rune.Value, points);
        }

        // Canonical ordering: a stable sort of each run of non-starters by combining class.
        for (int i = 1; i < points.Count; i++)
        {
            int ccc = CombiningClass(points[i]);
            if (ccc == 0)
            {
                continue;
            }

            for (int j = i; j > 0 && CombiningClass(points[j - 1]) > ccc; j--)
            {
                (points[j - 1], points[j]) = (points[j], points[j - 1]);
            }
        }

        var sb = new StringBuilder(points.Count);
        foreach (var p in points)
        {
            sb.Append(new Rune(p).ToString());
        }

        return sb.ToString();
    }

    private static void Append(int point, List<int> points)
    {
        if (point is >= SBase and < SBase + SCount)
        {
            // Hangul syllables decompose by arithmetic, not by table.
            int s = point - SBase;
            points.Add(LBase + s / NCount);
            points.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0)
            {
                points.Add(TBase + s % TCount);
            }

            return;
        }

        int i = Array.BinarySearch(UnicodeCanonicalData.Composed, point);
        if (i < 0)
        {
            points.Add(point);
            return;
        }

        Append(UnicodeCanonicalData.First[i], points);
        if (UnicodeCanonicalData.Second[i] >= 0)
        {
            Append(UnicodeCanonicalData.Second[i], points);
        }
    }

    private static int CombiningClass(int point)
    {
        int i = Array.BinarySearch(UnicodeCanonicalData.Combining, point);
        return i < 0 ? 0 : UnicodeCanonicalData.CombiningClass[i];
    }
}
