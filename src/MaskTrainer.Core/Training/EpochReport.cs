namespace MaskTrainer.Training;

/// <summary>
/// Progress after one epoch (Adam) or iteration (L-BFGS). Losses are unweighted mean log-loss
/// of the current weights without dropout, so train and validation figures are comparable.
/// </summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Log-loss on the training set.</param>
/// <param name="TrainAccuracy">Accuracy on the training set.</param>
/// <param name="ValidationLoss">Log-loss on the validation set; null without one.</param>
/// <param name="ValidationAccuracy">Accuracy on the validation set; null without one.</param>
/// <param name="LearningRate">Adam learning rate used in the epoch, or the accepted L-BFGS step length.</param>
/// <param name="Elapsed">Time since training started.</param>
public sealed record EpochReport(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double LearningRate,
    TimeSpan Elapsed);
