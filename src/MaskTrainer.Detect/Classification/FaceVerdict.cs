namespace MaskTrainer.Detect.Classification;

/// <summary>
/// The decision for one face: the label shown, its (smoothed) probability, and whether it
/// counts as masked (P(mask label) &gt;= threshold); or, for a face below the minimum face size,
/// <see cref="TooSmall"/>: no label, not counted as masked.
/// </summary>
public readonly record struct FaceVerdict(int LabelIndex, float Probability, bool Mask, float MaskProbability, bool TooSmall = false)
{
    /// <summary>A face too small to judge: no label (index −1), not masked.</summary>
    public static FaceVerdict TooSmallToJudge { get; } = new(-1, 0, false, 0, TooSmall: true);

    /// <summary>
    /// Decides from class probabilities: masked when P(mask) &gt;= <paramref name="threshold"/>,
    /// shown as the mask label; otherwise shown as the most probable other label.
    /// </summary>
    public static FaceVerdict Decide(ReadOnlySpan<float> probabilities, int maskIndex, float threshold)
    {
        if ((uint)maskIndex >= (uint)probabilities.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(maskIndex), maskIndex, $"there are {probabilities.Length} labels");
        }

        var pMask = probabilities[maskIndex];
        if (pMask >= threshold)
        {
            return new FaceVerdict(maskIndex, pMask, true, pMask);
        }

        int best = -1;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (i != maskIndex && (best < 0 || probabilities[i] > probabilities[best]))
            {
                best = i;
            }
        }

        // A one-label model has no "other" class: show 1 - P(mask) under the mask label.
        return best < 0
            ? new FaceVerdict(maskIndex, 1 - pMask, false, pMask)
            : new FaceVerdict(best, probabilities[best], false, pMask);
    }
}
