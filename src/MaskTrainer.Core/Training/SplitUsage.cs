using MaskTrainer.Data;
using MaskTrainer.Features;

namespace MaskTrainer;

/// <summary>
/// The images of each class and split that a run actually used: the split's counts are made
/// before the images are decoded, so a file that then fails to decode (empty, truncated) was in
/// them, and the tables said 16 training images where 14 were used.
/// </summary>
internal static class SplitUsage
{
    /// <summary>
    /// Per class, the images that gave features in each split (augmented copies not counted), and as
    /// skipped the images of the split that did not (not decodable), so that each row adds up to the
    /// split's. Files unreadable when the folder was hashed were never in the split (nor in its table):
    /// they are listed with the other skipped files, not counted here, or a row came to 36 of 35.
    /// </summary>
    public static IReadOnlyList<SplitClassCount> Count(DatasetSplit split,
        FeaturizedData train, FeaturizedData? validation, FeaturizedData test)
    {
        var labels = split.Labels;
        var trainUsed = PerClass(labels.Count, train);
        var validationUsed = validation is null ? new int[labels.Count] : PerClass(labels.Count, validation);
        var testUsed = PerClass(labels.Count, test);
        var counts = new SplitClassCount[labels.Count];
        for (int c = 0; c < labels.Count; c++)
        {
            var planned = split.Counts[c];
            int notDecoded = planned.Total - trainUsed[c] - validationUsed[c] - testUsed[c];
            counts[c] = new SplitClassCount(labels[c], trainUsed[c], validationUsed[c], testUsed[c], notDecoded);
        }

        return counts;
    }

    private static int[] PerClass(int classes, FeaturizedData part)
    {
        var counts = new int[classes];
        var labels = part.Labels.Span;
        var copies = part.AugmentIndices.Span;
        for (int r = 0; r < part.Rows; r++)
        {
            counts[labels[r]] += copies[r] == 0 ? 1 : 0;
        }

        return counts;
    }
}
