namespace MaskTrainer.Detect.Classification;

/// <summary>
/// Which of a model's labels means "wearing a mask". Models name their classes after the
/// training folders, so the rule is by name: the label containing "with_mask"; otherwise the
/// first label that does not start with "without" or "no" (so "mask"/"no_mask" and
/// "masked"/"unmasked" work too). --mask-label overrides it.
/// </summary>
public static class MaskLabels
{
    /// <summary>
    /// The index of the mask label; throws <see cref="UsageException"/> when <paramref name="explicitLabel"/>
    /// is not one of the labels (a wrong option value), <see cref="DetectorException"/> when none can be told by name.
    /// </summary>
    public static int Find(IReadOnlyList<string> labels, string? explicitLabel = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (explicitLabel is not null)
        {
            for (int i = 0; i < labels.Count; i++)
            {
                if (string.Equals(labels[i], explicitLabel, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new UsageException($"--mask-label '{explicitLabel}' is not one of the model's labels ({string.Join(", ", labels)})");
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if (IsNamedMask(labels[i]))
            {
                return i;
            }
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if (!labels[i].StartsWith("without", StringComparison.OrdinalIgnoreCase)
                && !labels[i].StartsWith("no", StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new DetectorException($"cannot tell which of the model's labels ({string.Join(", ", labels)}) means 'mask': pass --mask-label");
    }

    /// <summary>Whether <paramref name="label"/> names the masked class ("with_mask"; "with mask" and "with-mask" are folder names too): <see cref="Find"/> takes it first, rather than as the first label that is not a "without"/"no" one.</summary>
    public static bool IsNamedMask(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var words = label.Replace(' ', '_').Replace('-', '_');
        return words.Contains("with_mask", StringComparison.OrdinalIgnoreCase) && !words.StartsWith("without", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// How a label is shown on screen: "with_mask" as "Mask", "without_mask" as "No Mask", others with
    /// spaces for underscores, in the printable ASCII that OpenCV's Hershey fonts draw (accents dropped,
    /// "sans masque ünï" as "sans masque uni"; other characters, ß or Ø too, as one "?" each, where OpenCV drew one per byte).
    /// The JSON lines and the report keep the label as it is.
    /// </summary>
    public static string Display(string label) => label.ToLowerInvariant() switch
    {
        "with_mask" or "mask" or "masked" => "Mask",
        "without_mask" or "no_mask" or "nomask" or "unmasked" => "No Mask",
        _ => Drawable(label.Replace('_', ' ')),
    };

    private static string Drawable(string text)
    {
        // Decomposed (the training side's CanonicalForm: string.Normalize does nothing under the
        // apps' invariant globalization), an accented letter is its base letter and combining marks.
        var shown = new System.Text.StringBuilder(text.Length);
        foreach (var rune in Data.CanonicalForm.Decompose(text).EnumerateRunes())
        {
            int c = rune.Value;
            if (c is >= 0x0300 and < 0x0370)
            {
                continue; // a combining accent
            }

            shown.Append(c is >= 0x20 and < 0x7F ? (char)c : '?');
        }

        return shown.ToString();
    }
}
