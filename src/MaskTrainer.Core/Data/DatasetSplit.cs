using System.Text;

namespace MaskTrainer.Data;

/// <summary>
/// The result of <see cref="DatasetSplitter.Split(ImageFolderDataset, SplitOptions?)"/>: three
/// disjoint lists of examples (each in original, path-sorted order) and the duplicate report.
/// </summary>
public sealed class DatasetSplit
{
    internal DatasetSplit(
        IReadOnlyList<string> labels,
        IReadOnlyList<ImageExample> train,
        IReadOnlyList<ImageExample> validation,
        IReadOnlyList<ImageExample> test,
        IReadOnlyList<DuplicateGroup> duplicateGroups,
        SplitOptions options)
    {
        Labels = labels;
        Train = train;
        Validation = validation;
        Test = test;
        DuplicateGroups = duplicateGroups;
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

    /// <summary>Groups of identical files; each group lies entirely in one split.</summary>
    public IReadOnlyList<DuplicateGroup> DuplicateGroups { get; }

    /// <summary>The options the split was made with.</summary>
    public SplitOptions Options { get; }

    /// <summary>Per-class counts in each split, in label order.</summary>
    public IReadOnlyList<SplitClassCount> Counts { get; }

    /// <summary>Human-readable report: per-class counts, then one line per duplicate group.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        int width = Math.Max(5, Labels.Max(l => l.Length));
        sb.AppendLine($"{"Class".PadRight(width)}  {"Train",6} {"Valid",6} {"Test",6}");
        foreach (var c in Counts)
        {
            sb.AppendLine($"{c.Label.PadRight(width)}  {c.Train,6} {c.Validation,6} {c.Test,6}");
        }

        sb.AppendLine($"{"Total".PadRight(width)}  {Train.Count,6} {Validation.Count,6} {Test.Count,6}");
        if (DuplicateGroups.Count > 0)
        {
            sb.AppendLine($"{DuplicateGroups.Count} group(s) of identical files, each kept in one split:");
            foreach (var g in DuplicateGroups)
            {
                sb.AppendLine("  " + g);
            }
        }

        return sb.ToString();
    }
}
