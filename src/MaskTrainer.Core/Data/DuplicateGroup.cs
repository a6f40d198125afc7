namespace MaskTrainer.Data;

/// <summary>
/// Two or more files with identical content (same SHA-256). Identical files are always put in
/// the same split, otherwise a test image could also be a training image. When the copies sit
/// in different class folders the group is a conflict: the same picture carries two labels.
/// </summary>
public sealed record DuplicateGroup(string ContentHash, IReadOnlyList<ImageExample> Examples)
{
    /// <summary>Distinct labels of the copies, in label order.</summary>
    public IReadOnlyList<string> Labels { get; } =
        Examples.OrderBy(e => e.LabelIndex).Select(e => e.Label).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>True when the copies carry different labels.</summary>
    public bool IsConflict => Labels.Count > 1;

    /// <summary>Files named in <see cref="ToString"/>; the rest are counted.</summary>
    public const int NamesShown = 3;

    /// <summary>One-line description, e.g. "3 identical files in with_mask: a.jpg, b.jpg, c.jpg" (the first <see cref="NamesShown"/>, then "and N more").</summary>
    public override string ToString()
    {
        string files = string.Join(", ", Examples.Take(NamesShown).Select(e => e.ShownName))
            + (Examples.Count > NamesShown ? $" and {Examples.Count - NamesShown:N0} more" : "");
        return IsConflict
            ? $"conflict: {Examples.Count:N0} identical files labelled {Reporting.HumanText.Escape(string.Join(" and ", Labels))}: {files}"
            : $"{Examples.Count:N0} identical files in {Reporting.HumanText.Escape(Labels[0])}: {files}";
    }
}
