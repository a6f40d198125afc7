namespace MaskTrainer.Detect.Classification;

/// <summary>
/// Per-track exponential moving average of the class probabilities, so a label does not
/// flicker when one crop is blurred or half turned: smoothed = alpha * new + (1 - alpha) * old,
/// the first observation taken as is. Not thread-safe: one pipeline stage owns it.
/// </summary>
public sealed class LabelSmoother
{
    private readonly Dictionary<int, float[]> _tracks = [];
    private readonly Stack<float[]> _free = new();

    /// <param name="labelCount">Number of classes.</param>
    /// <param name="alpha">Weight of a new observation, in (0, 1]; 1 = no smoothing.</param>
    public LabelSmoother(int labelCount, float alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        if (!(alpha > 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the smoothing weight must be in (0, 1]");
        }

        LabelCount = labelCount;
        Alpha = alpha;
    }

    public int LabelCount { get; }

    public float Alpha { get; }

    /// <summary>Tracks with a smoothed state.</summary>
    public int Count => _tracks.Count;

    /// <summary>Folds a new classification of <paramref name="trackId"/> into its average.</summary>
    public void Observe(int trackId, ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length != LabelCount)
        {
            throw new ArgumentException($"expected {LabelCount} probabilities, got {probabilities.Length}", nameof(probabilities));
        }

        if (!_tracks.TryGetValue(trackId, out var state))
        {
            state = _free.Count > 0 ? _free.Pop() : new float[LabelCount];
            probabilities.CopyTo(state);
            _tracks.Add(trackId, state);
            return;
        }

        for (int i = 0; i < state.Length; i++)
        {
            state[i] = Alpha * probabilities[i] + (1 - Alpha) * state[i];
        }
    }

    /// <summary>True once <paramref name="trackId"/> has been observed (and not forgotten).</summary>
    public bool Knows(int trackId) => _tracks.ContainsKey(trackId);

    /// <summary>The smoothed probabilities of <paramref name="trackId"/>, or an empty span when it was never observed.</summary>
    public ReadOnlySpan<float> Get(int trackId) =>
        _tracks.TryGetValue(trackId, out var state) ? state : ReadOnlySpan<float>.Empty;

    /// <summary>Drops a track that ended.</summary>
    public void Forget(int trackId)
    {
        if (_tracks.Remove(trackId, out var state))
        {
            _free.Push(state);
        }
    }
}
