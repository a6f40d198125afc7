namespace MaskTrainer.Data;

/// <summary>
/// Which files of a set are used when some are identical (same content hash): one file per
/// picture and label, the first in the set's (path-sorted) order. A photo copied 1,000 times
/// would otherwise weigh 1,001 times in training and be counted 1,001 times in the metrics.
/// Training's split (<see cref="DatasetSplitter"/>) and <c>evaluate</c> decide it here, so both
/// count the same images and say so in the same words.
/// </summary>
public sealed class IdenticalCopies
{
    private readonly bool[] _used;

    private IdenticalCopies(bool[] used, IReadOnlyList<DuplicateGroup> groups, IReadOnlyList<ImageExample> leftOut)
    {
        _used = used;
        Groups = groups;
        LeftOut = leftOut;
    }

    /// <summary>Groups of identical files, within or across classes, in order of first occurrence.</summary>
    public IReadOnlyList<DuplicateGroup> Groups { get; }

    /// <summary>The copies not used: each is the same picture under the same label as a file that is, in set order.</summary>
    public IReadOnlyList<ImageExample> LeftOut { get; }

    /// <summary>Whether example <paramref name="index"/> of the set is used.</summary>
    public bool IsUsed(int index) => _used[index];

    /// <summary>Finds the identical files of <paramref name="examples"/> and the copies to leave out.</summary>
    public static IdenticalCopies Of(IReadOnlyList<ImageExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var used = new bool[examples.Count];
        var leftOut = new List<ImageExample>();
        var seen = new HashSet<(string Hash, int Label)>();
        for (int i = 0; i < examples.Count; i++)
        {
            used[i] = seen.Add((examples[i].ContentHash, examples[i].LabelIndex));
            if (!used[i])
            {
                leftOut.Add(examples[i]);
            }
        }

        return new IdenticalCopies(used, ImageFolderDataset.FindDuplicates(examples), leftOut);
    }

    /// <summary>
    /// One line on the identical files, e.g. "note: 1,000 identical copies are left out: each
    /// picture is used once and counted once (1 group, e.g. with_mask/dup_1.jpg = with_mask/a.jpg)";
    /// null when there are none.
    /// </summary>
    public string? Note()
    {
        if (Groups.Count == 0)
        {
            return null;
        }

        // With copies left out, the example is the first of them and the file used in its place
        // (the first group may be a conflict across classes, none of whose files is left out);
        // without, the first group's files of two classes.
        ImageExample copy, kept;
        if (LeftOut.Count > 0)
        {
            copy = LeftOut[0];
            var group = Groups.First(g => g.Examples.Contains(copy));
            kept = group.Examples.First(e => e.LabelIndex == copy.LabelIndex && !LeftOut.Contains(e));
        }
        else
        {
            (kept, copy) = (Groups[0].Examples[0], Groups[0].Examples[1]);
        }

        string example = $"e.g. {copy.ShownName} = {kept.ShownName}";
        string groups = Groups.Count == 1 ? "1 group" : $"{Groups.Count:N0} groups";
        return LeftOut.Count == 0
            ? $"note: {groups} of identical files across classes ({example}): one file per class is used and counted"
            : $"note: {LeftOut.Count:N0} identical {(LeftOut.Count == 1 ? "copy is" : "copies are")} left out: each picture is used once and counted once ({groups}, {example})";

    }
}
