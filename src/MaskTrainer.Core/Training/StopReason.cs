namespace MaskTrainer.Training;

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>The epoch (or L-BFGS iteration) budget was used up.</summary>
    MaxEpochs,

    /// <summary>Validation log-loss did not improve for <see cref="HeadOptions.EarlyStoppingPatience"/> epochs.</summary>
    EarlyStopping,

    /// <summary>L-BFGS converged (tiny gradient or loss change) or its line search could make no further progress.</summary>
    Converged,
}
