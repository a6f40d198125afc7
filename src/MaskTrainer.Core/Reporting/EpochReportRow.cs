namespace MaskTrainer.Reporting;

/// <summary>One training epoch; validation values are null when no validation split was used. Accuracies are 0..1.</summary>
public sealed record EpochReportRow(int Epoch, double TrainLoss, double? ValidationLoss, double TrainAccuracy, double? ValidationAccuracy);
