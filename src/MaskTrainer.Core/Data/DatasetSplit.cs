using System.Text;

namespace MaskTrainer.Data;

/// <summary>
/// The result of <see cref="DatasetSplitter.Split(ImageFolderDataset, SplitOptions?)"/>: three
/// disjoint lists of distinct images (each in original, path-sorted order), the identical copies
/// left out, and the duplicate report.
/// </summary>
public sealed class DatasetSplit
{
    internal DatasetSplit(
        IReadOnlyList<string> labels,
        IReadOnlyList<ImageExample> train,
        IReadOnlyList<ImageExample> validation,
        IReadOnlyList<ImageExample> test,
        IdenticalCopies copies,
        SplitOptions options)
    {
        Labels = labels;
        Train = train;
        Validation = validation;
        Test = test;
        _copies = copies;
        Options = options;
        Counts = labels.Select((l, c) => new SplitClassCount(
            l,
            train.Count(e => e.LabelIndex == c),
            validation.Count(e => e.LabelIndex == c),
            test.Count(e => e.LabelIndex == c))).ToArray();
    }

    /// <summary>Class names; the index is the label index.</summary>
    public IReadOnlyList<string> Labels { get; }

    public IReadOnlyList<ImageExample> Train { get; }

    /// <summary>Empty when <see cref="SplitOptions.ValidationFraction"/> is 0.</summary>
    public IReadOnlyList<ImageExample> Validation { get; }

    /// <summary>Empty when <see cref="SplitOptions.TestFraction"/> is 0.</summary>
    public IReadOnlyList<ImageExample> Test { get; }

    private readonly IdenticalCopies _copies;

    /// <summary>Groups of identical files; each is used once (one file per label), in one split.</summary>
    public IReadOnlyList<DuplicateGroup> DuplicateGroups => _copies.Groups;

    /// <summary>
    /// The files of <see cref="DuplicateGroups"/> that are in no split: a copy of a file that is
    /// (the same picture under the same label), in dataset order.
    /// </summary>
    public IReadOnlyList<ImageExample> LeftOutCopies => _copies.LeftOut;

    /// <summary>The options the split was made with.</summary>
    public SplitOptions Options { get; }

    /// <summary>Per-class counts in each split, in label order.</summary>
    public IReadOnlyList<SplitClassCount> Counts { get; }

    /// <summary>At most this many duplicate groups are named in <see cref="Describe(IReadOnlyList{SplitClassCount}, bool)"/>: 1,001 names made a 25 KB console line.</summary>
    public const int DuplicateGroupsShown = 3;

    /// <summary>Human-readable report: per-class counts, then a note on identical files.</summary>
    public string Describe() => Describe(Counts);

    /// <summary>
    /// The report with <paramref name="counts"/> in the table, e.g. the images actually used once
    /// the unreadable ones are known; a Skipped column is shown when any class has skipped images.
    /// </summary>
    /// <param name="counts">The table's counts.</param>
    /// <param name="notes">Whether the note on identical files follows the table.</param>
    public string Describe(IReadOnlyList<SplitClassCount> counts, bool notes = true)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var sb = new StringBuilder();
        // Class names as every human line shows them (a control character escaped, not obeyed).
        int width = Math.Max(5, counts.Select(c => Reporting.HumanText.Escape(c.Label).Length).DefaultIfEmpty(0).Max());
        bool skipped = counts.Any(c => c.Skipped > 0);
        string skippedHeader = skipped ? $" {"Skipped",8}" : "";
        sb.AppendLine($"{"Class".PadRight(width)}  {"Train",6} {"Valid",6} {"Test",6}{skippedHeader}");
        foreach (var c in counts)
        {
            sb.AppendLine($"{Reporting.HumanText.Escape(c.Label).PadRight(width)}  {c.Train,6} {c.Validation,6} {c.Test,6}{(skipped ? $" {c.Skipped,8}" : "")}");
        }

        sb.Append($"{"Total".PadRight(width)}  {counts.Sum(c => c.Train),6} {counts.Sum(c => c.Validation),6} {counts.Sum(c => c.Test),6}");
        sb.AppendLine(skipped ? $" {counts.Sum(c => c.Skipped),8}" : "");
        if (notes && DuplicatesNote() is { } note)
        {
            sb.AppendLine(note);
            foreach (var g in DuplicateGroups.Take(DuplicateGroupsShown))
            {
                sb.AppendLine("  " + g);
            }

            if (DuplicateGroups.Count > DuplicateGroupsShown)
            {
                sb.AppendLine($"  ... and {DuplicateGroups.Count - DuplicateGroupsShown} more group(s)");
            }
        }

        return sb.ToString();
    }

    /// <summary>One line on the identical files (<see cref="IdenticalCopies.Note"/>); null when there are none.</summary>
    public string? DuplicatesNote() => _copies.Note();
}
