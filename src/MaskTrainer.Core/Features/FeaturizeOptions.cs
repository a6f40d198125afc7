using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Features;

/// <summary>Options of <see cref="DatasetFeaturizer"/>, with documented defaults.</summary>
public sealed record FeaturizeOptions
{
    /// <summary>Default options.</summary>
    public static FeaturizeOptions Default { get; } = new();

    /// <summary>
    /// Threads that decode, face-crop, augment and resize images while the backbone runs
    /// (default 2). The forward pass already uses all cores through OpenCV, so more decoders
    /// than cores only add contention.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = 2;

    /// <summary>
    /// Images per forward pass (default 8). Backbones whose graph fixes the batch at one (fr-pose)
    /// fall back to one image per pass by themselves.
    /// </summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Images larger than this many pixels are skipped as unreadable (default <see cref="ImageCodec.DefaultMaxPixels"/>).</summary>
    public long MaxPixels { get; init; } = ImageCodec.DefaultMaxPixels;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDegreeOfParallelism, 1, nameof(MaxDegreeOfParallelism));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPixels, 1, nameof(MaxPixels));
    }
}
