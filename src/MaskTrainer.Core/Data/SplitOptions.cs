namespace MaskTrainer.Data;

/// <summary>How <see cref="DatasetSplitter"/> divides a dataset into train, validation and test.</summary>
public sealed record SplitOptions
{
    /// <summary>Options with every default.</summary>
    public static SplitOptions Default { get; } = new();

    /// <summary>
    /// Share of each class held out for the final test metrics. Default 0.2. May be 0 (no test
    /// split) for the splitter; a training run needs a test split for its metrics, so
    /// <c>./train.sh --test-fraction</c> must be above 0. Each non-empty split gets at least one image of every class.
    /// </summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>
    /// Share of each class held out for validation. Default 0.1. Training uses it to choose the
    /// trainer (<c>TrainerKind.Auto</c> keeps the lowest validation log-loss); a fixed trainer
    /// learns from it too. Nothing stops early. May be 0: the validation split is then empty.
    /// </summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// Seed of the shuffle. Default 42. The same seed and the same files give the same split on
    /// any machine and .NET version; each class is shuffled with its own stream derived from
    /// the seed and its label, so adding images to one class does not reshuffle the others.
    /// </summary>
    public int Seed { get; init; } = 42;

    internal void Validate()
    {
        if (!(TestFraction >= 0 && TestFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TestFraction), TestFraction, "TestFraction must be in [0, 1)");
        }

        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1)");
        }

        if (TestFraction + ValidationFraction >= 1)
        {
            throw new ArgumentException($"TestFraction + ValidationFraction must be below 1 (got {TestFraction} + {ValidationFraction}); nothing would be left to train on");
        }
    }
}
