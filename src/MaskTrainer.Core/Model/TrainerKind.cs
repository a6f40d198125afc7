namespace MaskTrainer.Model;

/// <summary>The ML.NET trainer that fits the head on the backbone's features (<c>--trainer</c>).</summary>
public enum TrainerKind
{
    /// <summary>Multinomial logistic regression, L-BFGS (ML.NET <c>LbfgsMaximumEntropy</c>).</summary>
    LbfgsMaximumEntropy,

    /// <summary>Multinomial logistic regression, SDCA (ML.NET <c>SdcaMaximumEntropy</c>): the default (see <see cref="HeadOptions.Trainer"/>).</summary>
    SdcaMaximumEntropy,

    /// <summary>Gradient-boosted trees (ML.NET <c>LightGbm</c>).</summary>
    LightGbm,

    /// <summary>Fit each of the above and keep the one with the lowest validation log-loss, as Model Builder does.</summary>
    Auto,
}
