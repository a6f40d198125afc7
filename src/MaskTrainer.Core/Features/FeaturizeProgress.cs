namespace MaskTrainer.Features;

/// <summary>
/// Progress of <see cref="DatasetFeaturizer.Featurize"/>, counted in rows (an image or one of its
/// augmented copies): <c>Done = CacheHits + Computed + Skipped</c> of <see cref="Total"/>.
/// </summary>
/// <param name="Total">Rows requested.</param>
/// <param name="CacheHits">Rows read from the cache.</param>
/// <param name="Computed">Rows run through the backbone.</param>
/// <param name="Skipped">Rows of images that could not be read.</param>
public readonly record struct FeaturizeProgress(int Total, int CacheHits, int Computed, int Skipped)
{
    /// <summary>Rows finished one way or another.</summary>
    public int Done => CacheHits + Computed + Skipped;
}
