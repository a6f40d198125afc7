using MaskTrainer.Model;
using MaskTrainer.Data;

namespace MaskTrainer.Features;

/// <summary>
/// The featurized dataset: one row per readable image and per augmented copy, in the order of
/// the examples given (each image's own row first, then its copies 1..k). Immutable.
/// </summary>
public sealed class FeaturizedData
{
    private readonly float[] _features;
    private readonly int[] _labels;
    private readonly int[] _exampleIndices;
    private readonly int[] _augmentIndices;

    internal FeaturizedData(float[] features, int dimension, int[] labels, int[] exampleIndices, int[] augmentIndices,
        IReadOnlyList<SkippedItem> skipped, FeaturizeStats stats)
    {
        _features = features;
        _labels = labels;
        _exampleIndices = exampleIndices;
        _augmentIndices = augmentIndices;
        Dimension = dimension;
        Rows = labels.Length;
        Skipped = skipped;
        Stats = stats;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Values per row (the backbone's feature size).</summary>
    public int Dimension { get; }

    /// <summary>All features, row-major (Rows × Dimension).</summary>
    public ReadOnlyMemory<float> Features => _features;

    /// <summary>Label index of each row.</summary>
    public ReadOnlyMemory<int> Labels => _labels;

    /// <summary>For each row, the index of its image in the list given to <see cref="DatasetFeaturizer.Featurize"/>.</summary>
    public ReadOnlyMemory<int> ExampleIndices => _exampleIndices;

    /// <summary>For each row, 0 for the image itself or k for its augmented copy k.</summary>
    public ReadOnlyMemory<int> AugmentIndices => _augmentIndices;

    /// <summary>Images left out because they could not be read, with the decoder's one-line reason, in example order.</summary>
    public IReadOnlyList<SkippedItem> Skipped { get; }

    /// <summary>Counts and timing of the call that produced this data.</summary>
    public FeaturizeStats Stats { get; }

    /// <summary>Features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Rows, nameof(row));
        return _features.AsSpan(row * Dimension, Dimension);
    }
}
