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

    /// <summary>One-line description, e.g. "3 copies in with_mask: a.jpg, b.jpg, c.jpg".</summary>
    public override string ToString()
    {
        string files = string.Join(", ", Examples.Select(e => $"{e.Label}/{System.IO.Path.GetFileName(e.Path)}"));
        return IsConflict
            ? $"conflict: {Examples.Count} identical files labelled {string.Join(" and ", Labels)}: {files}"
            : $"{Examples.Count} identical files in {Labels[0]}: {files}";
    }
}
