namespace MaskTrainer.Training;

/// <summary>
/// Hyper-parameters of <see cref="HeadTrainer"/>. The defaults suit ~1,000 images of 512-2048-D
/// backbone features: a softmax regression trained with Adam and balanced class weights,
/// stopped early on validation log-loss.
/// </summary>
public sealed record HeadOptions
{
    /// <summary>Options with every default.</summary>
    public static HeadOptions Default { get; } = new();

    /// <summary>
    /// Default <see cref="HeadKind.SoftmaxRegression"/>: on features of a good pretrained
    /// backbone a linear head is as accurate as an MLP on small datasets, trains in a fraction
    /// of the time and overfits less.
    /// </summary>
    public HeadKind Kind { get; init; } = HeadKind.SoftmaxRegression;

    /// <summary>Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Epoch budget for Adam, iteration budget for L-BFGS. Default 100.</summary>
    public int MaxEpochs { get; init; } = 100;

    /// <summary>Adam mini-batch size. Default 32. Ignored by L-BFGS (full batch).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's initial learning rate. Default 1e-3 (features are standardized, so this suits most backbones).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Default <see cref="LearningRateSchedule.Cosine"/>: smooth decay, no extra knobs.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;

    /// <summary>Epochs between decays for <see cref="LearningRateSchedule.Step"/>. Default 30.</summary>
    public int StepDecayEpochs { get; init; } = 30;

    /// <summary>Factor applied at each decay for <see cref="LearningRateSchedule.Step"/>. Default 0.1.</summary>
    public double StepDecayFactor { get; init; } = 0.1;

    /// <summary>L2 penalty (0.5 * L2 * ||W||^2) on weights, not biases. Default 1e-4.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Hidden-layer width of <see cref="HeadKind.Mlp"/>. Default 128.</summary>
    public int HiddenUnits { get; init; } = 128;

    /// <summary>Dropout rate on the MLP's hidden layer while training with Adam. Default 0.2.</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>Default <see cref="ClassWeighting.Balanced"/>, so an imbalanced folder still learns its minority class.</summary>
    public ClassWeighting ClassWeighting { get; init; } = ClassWeighting.Balanced;

    /// <summary>
    /// Stop after this many epochs without a validation log-loss improvement, and keep the best
    /// epoch's weights. Default 10. 0 disables early stopping (the best weights are still kept).
    /// Needs a validation set.
    /// </summary>
    public int EarlyStoppingPatience { get; init; } = 10;

    /// <summary>Smallest validation log-loss decrease that counts as an improvement. Default 1e-4.</summary>
    public double EarlyStoppingMinDelta { get; init; } = 1e-4;

    /// <summary>
    /// Standardize each feature with the training set's mean and standard deviation, stored in
    /// the head so prediction applies the same transform. Default true: it makes the learning
    /// rate and L2 independent of the backbone's feature scale.
    /// </summary>
    public bool StandardizeFeatures { get; init; } = true;

    /// <summary>Seed of weight initialisation, shuffling and dropout. Default 42. Same seed, same weights, bit for bit.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Number of correction pairs L-BFGS keeps. Default 10.</summary>
    public int LbfgsMemory { get; init; } = 10;

    /// <summary>L-BFGS stops when the relative objective change falls below this. Default 1e-7.</summary>
    public double LbfgsTolerance { get; init; } = 1e-7;

    internal void Validate()
    {
        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} {rule}");
            }
        }

        Check(Enum.IsDefined(Kind), nameof(Kind), Kind, "is not a known head kind");
        Check(Enum.IsDefined(Optimizer), nameof(Optimizer), Optimizer, "is not a known optimizer");
        Check(Enum.IsDefined(Schedule), nameof(Schedule), Schedule, "is not a known schedule");
        Check(Enum.IsDefined(ClassWeighting), nameof(ClassWeighting), ClassWeighting, "is not a known class weighting");
        Check(MaxEpochs >= 1, nameof(MaxEpochs), MaxEpochs, "must be at least 1");
        Check(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be positive");
        Check(StepDecayEpochs >= 1, nameof(StepDecayEpochs), StepDecayEpochs, "must be at least 1");
        Check(StepDecayFactor > 0 && StepDecayFactor <= 1, nameof(StepDecayFactor), StepDecayFactor, "must be in (0, 1]");
        Check(L2 >= 0 && double.IsFinite(L2), nameof(L2), L2, "must be zero or positive");
        Check(Kind != HeadKind.Mlp || HiddenUnits >= 1, nameof(HiddenUnits), HiddenUnits, "must be at least 1");
        Check(Dropout >= 0 && Dropout < 1, nameof(Dropout), Dropout, "must be in [0, 1)");
        Check(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "must be zero or positive");
        Check(EarlyStoppingMinDelta >= 0, nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "must be zero or positive");
        Check(LbfgsMemory >= 1, nameof(LbfgsMemory), LbfgsMemory, "must be at least 1");
        Check(LbfgsTolerance >= 0, nameof(LbfgsTolerance), LbfgsTolerance, "must be zero or positive");
    }
}
