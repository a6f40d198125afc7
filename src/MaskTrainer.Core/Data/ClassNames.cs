namespace MaskTrainer.Data;

/// <summary>
/// How a class folder's name is compared with a class label. A folder named on macOS reaches
/// Linux in NFD ("u" + combining diaeresis) while the same name typed here is NFC ("ü"): both
/// print alike and mean one class, so names are compared canonically (as their NFC forms
/// would be, through <see cref="CanonicalForm"/>), never byte for byte.
/// </summary>
public static class ClassNames
{
    /// <summary>
    /// The form names are compared in: equal for two spellings of one name (NFC, NFD). It is NFD,
    /// as string.Normalize does nothing under the app's invariant globalization.
    /// </summary>
    public static string Normalize(string name) => CanonicalForm.Decompose(name);

    /// <summary>
    /// The index of <paramref name="name"/> in <paramref name="labels"/>: the label spelt exactly so
    /// if there is one, else the one canonically equal (NFC and NFD spellings); -1 when none is.
    /// </summary>
    public static int IndexOf(IReadOnlyList<string> labels, string name)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        var normalized = Normalize(name);
        for (int i = 0; i < labels.Count; i++)
        {
            if (string.Equals(Normalize(labels[i]), normalized, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
