using System.Globalization;
using System.Text;

namespace MaskTrainer.Reporting;

/// <summary>
/// The human messages (errors, notes, "wrote …") are one line each. A file name may hold a newline
/// or another control character, which would split such a line or drive the terminal: they are
/// shown as escapes (\n, \r, \t, else \xNN or \uNNNN). The JSON lines keep names as they are (JSON escapes them itself).
/// </summary>
public static class HumanText
{
    /// <summary><paramref name="text"/> (a path, or a one-line message naming one) with its control characters escaped; itself when it has none.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.AsSpan().IndexOfAnyInRange('\0', '\u001F') < 0 && !HasOtherBreaks(text))
        {
            return text ?? "";
        }

        var shown = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\n': shown.Append("\\n"); break;
                case '\r': shown.Append("\\r"); break;
                case '\t': shown.Append("\\t"); break;
                default:
                    if (IsBreaking(c))
                    {
                        shown.Append(c < 0x100 ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}") : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"));
                    }
                    else
                    {
                        shown.Append(c);
                    }

                    break;
            }
        }

        return shown.ToString();
    }

    // Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
    private static bool IsBreaking(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static bool HasOtherBreaks(string text)
    {
        foreach (char c in text)
        {
            if (c >= '\u007F' && IsBreaking(c))
            {
                return true;
            }
        }

        return false;
    }
}
