namespace MaskTrainer.Features;

/// <summary>What one <see cref="DatasetFeaturizer.Featurize"/> call did.</summary>
/// <param name="Computed">Rows run through the backbone (and written to the cache).</param>
/// <param name="CacheHits">Rows read from the cache (their images were not decoded).</param>
/// <param name="FacesFound">Images in which the face-crop stage found a face (0 without face crop).</param>
/// <param name="FaceFallbacks">Images used whole because no face was found (0 without face crop).</param>
/// <param name="Skipped">Images that could not be read (see <see cref="FeaturizedData.Skipped"/>).</param>
/// <param name="Elapsed">Wall time of the call.</param>
public sealed record FeaturizeStats(int Computed, int CacheHits, int FacesFound, int FaceFallbacks, int Skipped, TimeSpan Elapsed)
{
    /// <summary>Rows per second over the whole call (cache hits included).</summary>
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? (Computed + CacheHits) / Elapsed.TotalSeconds : 0;
}
