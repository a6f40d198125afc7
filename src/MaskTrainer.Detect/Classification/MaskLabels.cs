namespace MaskTrainer.Detect.Classification;

/// <summary>
/// Which of a model's labels means "wearing a mask". Models name their classes after the
/// training folders, so the rule is by name, on the label's words (split at spaces, '_', '-' and
/// the like, and at camel case; case ignored):
/// <list type="number">
/// <item>"with_mask" itself ("With Mask", "with-mask", "WithMask");</item>
/// <item>a known mask word: "mask", "masked", "wearing_mask", "mask_on", "face_mask", …;</item>
/// <item>a label containing "mask";</item>
/// <item>any other label.</item>
/// </list>
/// A label naming a bare face ("bare", "unmasked", "no…", "without…", "none", "not") or a mask worn wrongly
/// ("incorrect", "improper", "wrong", "bad") is never taken. The first label of the best rank wins; when that
/// rank is 3 or 4, or another label has the same rank, the choice is not <see cref="MaskLabelChoice.Sure"/>
/// and the app says which label it took. --mask-label overrides it.
/// </summary>
public static class MaskLabels
{
    /// <summary>
    /// The index of the mask label; throws <see cref="UsageException"/> when <paramref name="explicitLabel"/>
    /// is not one of the labels (a wrong option value), <see cref="DetectorException"/> when none can be told by name.
    /// </summary>
    public static int Find(IReadOnlyList<string> labels, string? explicitLabel = null) => Choose(labels, explicitLabel).Index;

    /// <summary>
    /// The mask label (<see cref="Find"/>) and whether the name rule was sure of it: false when it was
    /// taken by a weak rule (containing "mask", or only as a label that names no bare face) or when
    /// another label had the same claim.
    /// </summary>
    public static MaskLabelChoice Choose(IReadOnlyList<string> labels, string? explicitLabel = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (explicitLabel is not null)
        {
            for (int i = 0; i < labels.Count; i++)
            {
                if (string.Equals(labels[i], explicitLabel, StringComparison.OrdinalIgnoreCase))
                {
                    return new MaskLabelChoice(i, Sure: true);
                }
            }

            throw new UsageException($"--mask-label '{explicitLabel}' is not one of the model's labels ({string.Join(", ", labels)})");
        }

        int best = -1, bestRank = int.MaxValue, tied = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            int rank = Rank(labels[i]);
            if (rank < 0)
            {
                continue;
            }

            if (rank < bestRank)
            {
                (best, bestRank, tied) = (i, rank, 1);
            }
            else if (rank == bestRank)
            {
                tied++;
            }
        }

        if (best < 0)
        {
            throw new DetectorException($"cannot tell which of the model's labels ({string.Join(", ", labels)}) means 'mask': pass --mask-label");
        }

        return new MaskLabelChoice(best, Sure: bestRank <= KnownWord && tied == 1);
    }

    private const int WithMask = 0;
    private const int KnownWord = 1;
    private const int ContainsMask = 2;
    private const int Other = 3;

    /// <summary>
    /// How strongly <paramref name="label"/> claims to be the mask label: 0 "with_mask", 1 a known mask
    /// word, 2 containing "mask", 3 any other; -1 never (a bare face or a mask worn wrongly).
    /// </summary>
    internal static int Rank(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var words = Words(label);
        if (words.Count == 0)
        {
            return Other;
        }

        if (words[0].StartsWith("no", StringComparison.Ordinal))
        {
            return -1; // no_mask, nomask, none, not_masked, NoMask
        }

        foreach (var word in words)
        {
            if (NotMaskWords.Contains(word))
            {
                return -1;
            }

            foreach (var start in NotMaskStarts)
            {
                if (word.StartsWith(start, StringComparison.Ordinal))
                {
                    return -1;
                }
            }
        }

        var compact = string.Concat(words);
        return compact == "withmask" ? WithMask
            : MaskWords.Contains(compact) ? KnownWord
            : compact.Contains("mask", StringComparison.Ordinal) ? ContainsMask
            : Other;
    }

    // Words naming a bare face or a mask worn wrongly, anywhere in a label.
    private static readonly HashSet<string> NotMaskWords = new(StringComparer.Ordinal)
    {
        "no", "not", "none", "off", "nomask", "nomasks", "naked", "maskless", "uncovered", "bad", "badly", "partial", "partially",
    };

    private static readonly string[] NotMaskStarts = ["without", "unmask", "bare", "incorrect", "improper", "wrong"];

    // Labels that say "mask" and nothing else, words joined: taken before a label that only contains "mask".
    private static readonly HashSet<string> MaskWords = new(StringComparer.Ordinal)
    {
        "mask", "masks", "masked", "withmasks", "withamask", "withfacemask", "wearingmask", "wearingmasks", "wearingamask",
        "wearingfacemask", "wearmask", "wearsmask", "hasmask", "maskon", "maskson", "maskworn", "maskwearing", "maskedface",
        "maskedfaces", "facemask", "facemasks", "correctmask", "maskcorrect", "maskcorrectly", "correctlymasked",
        "properlymasked", "maskproper", "maskproperly",
    };

    /// <summary>The words of a label, lower case: split at anything but letters and digits, and where a lower-case letter meets an upper-case one.</summary>
    private static List<string> Words(string label)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        for (int i = 0; i < label.Length; i++)
        {
            char c = label[i];
            if (!char.IsLetterOrDigit(c) || (char.IsUpper(c) && i > 0 && char.IsLower(label[i - 1])))
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
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

/// <summary>The mask label's index, and whether the name rule was sure of it (else the app says which label it took).</summary>
public readonly record struct MaskLabelChoice(int Index, bool Sure);
