namespace MaskTrainer.Detect.Stats;

/// <summary>
/// Frame latencies in fixed memory, for percentiles over runs of any length (a camera may run
/// for hours): 0.1 ms buckets up to 10 s, larger values in one overflow bucket. Percentiles
/// are exact to the bucket width.
/// </summary>
public sealed class LatencyHistogram
{
    private const double BucketMs = 0.1;
    private readonly long[] _buckets = new long[100_000];
    private long _overflow;
    private double _maxMs;
    private double _sumMs;

    public long Count { get; private set; }

    public double MeanMs => Count == 0 ? 0 : _sumMs / Count;

    public double MaxMs => _maxMs;

    public void Add(double ms)
    {
        if (!(ms >= 0))
        {
            ms = 0;
        }

        var bucket = (long)(ms / BucketMs);
        if (bucket < _buckets.Length)
        {
            _buckets[bucket]++;
        }
        else
        {
            _overflow++;
        }

        _maxMs = Math.Max(_maxMs, ms);
        _sumMs += ms;
        Count++;
    }

    /// <summary>
    /// The latency under which <paramref name="p"/> percent of frames fall (nearest-rank; bucket
    /// centre); null when nothing was measured (a run stopped before its first frame or image
    /// finished), which a 0 would report as instant.
    /// </summary>
    public double? Percentile(double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 100.0);
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(p / 100.0 * Count));
        long seen = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                return Math.Min((i + 0.5) * BucketMs, _maxMs);
            }
        }

        return _maxMs;
    }
}
