using System.Globalization;

namespace MaskTrainer.Model;

/// <summary>How the head is trained on the cached features. Defaults are the ones <c>./train.sh</c> uses.</summary>
public sealed record HeadOptions
{
    /// <summary>Options with every default.</summary>
    public static HeadOptions Default { get; } = new();

    /// <summary>
    /// Default <see cref="TrainerKind.SdcaMaximumEntropy"/>: with the camera-effect augmentation,
    /// L-BFGS heads swung from run to run on dim faces (a darkened bare-face video labelled right in
    /// 28 %, 77 % or 95 % of frames as the augmentation changed) while SDCA heads stayed at 100 %, with
    /// the same test accuracy (bench small-faces, docs/small-faces.md).
    /// </summary>
    public TrainerKind Trainer { get; init; } = TrainerKind.SdcaMaximumEntropy;

    /// <summary>
    /// Weight each training row by N / (classes × rows of its class), passed to the trainer as
    /// ML.NET's example-weight column, so an imbalanced folder still learns its minority class. Default true.
    /// </summary>
    public bool BalanceClasses { get; init; } = true;

    /// <summary>L2 penalty of the linear trainers. Default 1e-2 (features are standardised first).</summary>
    public float L2 { get; init; } = 1e-2f;

    /// <summary>Iteration budget of the linear trainers; trees for LightGbm. Default 100; at least <see cref="MinIterations"/>.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>The smallest <see cref="MaxIterations"/> (the trainers need one pass), as <c>./train.sh --iterations</c> takes it.</summary>
    public const int MinIterations = 1;

    /// <summary>Seed of the trainers (ML.NET's MLContext seed). Default 42: same seed, same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range. A
    /// training run checks this before its work (ML.NET itself would refuse them only at the fit,
    /// after minutes of featurizing, in its own words); <see cref="MaskModelTraining.BuildHead"/> too.
    /// </summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Trainer))
        {
            throw new ArgumentOutOfRangeException(nameof(Trainer), $"HeadOptions.Trainer must be one of {string.Join(", ", Enum.GetNames<TrainerKind>())}, got {(int)Trainer}");
        }

        if (MaxIterations < MinIterations)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), $"HeadOptions.MaxIterations must be {MinIterations} or more, got {MaxIterations}");
        }

        if (!(L2 >= 0 && float.IsFinite(L2)))
        {
            throw new ArgumentOutOfRangeException(nameof(L2), string.Create(CultureInfo.InvariantCulture, $"HeadOptions.L2 must be a finite number, 0 or more, got {L2}"));
        }
    }
}
