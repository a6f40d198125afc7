namespace MaskTrainer.Training;

/// <summary>
/// Feature vectors with their class indices: the cached backbone output a head is trained on.
/// Row-major: row i is <c>Features[i*Dimension .. (i+1)*Dimension)</c>. The arrays are not
/// copied; do not change them after construction.
/// </summary>
public sealed class FeatureSet
{
    private readonly float[] _features;
    private readonly int[] _labels;

    /// <exception cref="ArgumentException">Sizes disagree, a label is out of range or a feature is not finite.</exception>
    public FeatureSet(float[] features, int rows, int dimension, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if ((long)rows * dimension != features.Length)
        {
            throw new ArgumentException($"features has {features.Length} values; expected rows x dimension = {rows} x {dimension} = {(long)rows * dimension}", nameof(features));
        }

        if (labels.Length != rows)
        {
            throw new ArgumentException($"labels has {labels.Length} values; expected one per row ({rows})", nameof(labels));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"label of row {i} is {labels[i]}, outside 0..{classCount - 1}", nameof(labels));
            }
        }

        // NaN or infinity would silently poison every weight; catch it here, naming the row.
        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException($"feature {i % dimension} of row {i / dimension} is {features[i]}; features must be finite", nameof(features));
            }
        }

        _features = features;
        _labels = labels;
        Rows = rows;
        Dimension = dimension;
        ClassCount = classCount;
    }

    public int Rows { get; }

    public int Dimension { get; }

    public int ClassCount { get; }

    /// <summary>All features, row-major.</summary>
    public ReadOnlyMemory<float> Features => _features;

    /// <summary>Class index of each row.</summary>
    public ReadOnlyMemory<int> Labels => _labels;

    /// <summary>Features of row <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Rows, nameof(index));
        return _features.AsSpan(index * Dimension, Dimension);
    }

    /// <summary>Number of rows of each class.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (int l in _labels)
        {
            counts[l]++;
        }

        return counts;
    }

    internal float[] FeatureArray => _features;

    internal int[] LabelArray => _labels;
}
