namespace MaskTrainer.Reporting;

/// <summary>
/// Names near a mistyped one, for the messages that suggest them: a backbone layer that is not in
/// the graph (OnnxGraphEdit), an option neither app knows (<see cref="Unmatched"/>).
/// </summary>
public static class NearestNames
{
    /// <summary>
    /// A word of the command line that no option took, in both apps' words: "unknown option
    /// '--imgae': did you mean '--image'?" (when one option is near enough to be a typo),
    /// "unknown option '--frobnicate'", or "unexpected argument 'x'".
    /// </summary>
    /// <param name="token">The word.</param>
    /// <param name="optionNames">Every name and alias of the options the command takes.</param>
    public static string Unmatched(string token, IEnumerable<string> optionNames)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(optionNames);
        if (!token.StartsWith('-') || token.Length < 2)
        {
            return $"unexpected argument '{token}'";
        }

        // A typo is an edit or two: at most one edit for every three letters of the word. Words of one
        // or two letters (-x) are near every short alias, so only long names are suggested, for long words.
        int letters = token.TrimStart('-').Length;
        int most = letters < 3 ? -1 : Math.Max(1, (letters + 1) / 3);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var name in optionNames.Order(StringComparer.Ordinal))
        {
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            int d = Distance(token, name);
            if (d < bestDistance && d <= most && !string.Equals(name, token, StringComparison.Ordinal))
            {
                (best, bestDistance) = (name, d);
            }
        }

        return best is null ? $"unknown option '{token}'" : $"unknown option '{token}': did you mean '{best}'?";
    }

    /// <summary>
    /// Case-insensitive edit distance: the inserts, deletes, replacements and swaps of two neighbours
    /// (optimal string alignment) from one name to the other; "--hlep" is one edit from "--help".
    /// </summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
