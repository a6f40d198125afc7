namespace MaskTrainer.Training;

/// <summary>The outcome of <see cref="HeadTrainer.Train"/>.</summary>
/// <param name="Head">The trained head (with the best validation weights when there was a validation set).</param>
/// <param name="History">One report per epoch, in order.</param>
/// <param name="BestEpoch">Epoch whose weights <paramref name="Head"/> holds (1-based).</param>
/// <param name="StopReason">Why training ended.</param>
/// <param name="Elapsed">Wall time of the whole training.</param>
public sealed record TrainingResult(
    TrainedHead Head,
    IReadOnlyList<EpochReport> History,
    int BestEpoch,
    StopReason StopReason,
    TimeSpan Elapsed);
