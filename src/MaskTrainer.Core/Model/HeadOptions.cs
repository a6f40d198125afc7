namespace MaskTrainer.Model;

/// <summary>How the head is trained on the cached features. Defaults are the ones <c>./train.sh</c> uses.</summary>
public sealed record HeadOptions
{
    /// <summary>Options with every default.</summary>
    public static HeadOptions Default { get; } = new();

    /// <summary>Default <see cref="TrainerKind.LbfgsMaximumEntropy"/>.</summary>
    public TrainerKind Trainer { get; init; } = TrainerKind.LbfgsMaximumEntropy;

    /// <summary>
    /// Weight each training row by N / (classes × rows of its class), passed to the trainer as
    /// ML.NET's example-weight column, so an imbalanced folder still learns its minority class. Default true.
    /// </summary>
    public bool BalanceClasses { get; init; } = true;

    /// <summary>L2 penalty of the linear trainers. Default 1e-2 (features are standardised first).</summary>
    public float L2 { get; init; } = 1e-2f;

    /// <summary>Iteration budget of the linear trainers; trees for LightGbm. Default 100.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Seed of the trainers (ML.NET's MLContext seed). Default 42: same seed, same model.</summary>
    public int Seed { get; init; } = 42;
}
