namespace MaskTrainer.Training;

/// <summary>How the head's weights are fitted.</summary>
public enum OptimizerKind
{
    /// <summary>Mini-batch Adam with the configured learning-rate schedule.</summary>
    Adam,

    /// <summary>
    /// Full-batch L-BFGS with a backtracking line search. Deterministic and usually the fastest
    /// for softmax regression (a smooth convex problem). For an MLP dropout is not applied,
    /// since it would make the objective noisy.
    /// </summary>
    Lbfgs,
}
