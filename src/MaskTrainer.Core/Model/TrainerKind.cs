namespace MaskTrainer.Model;

/// <summary>The ML.NET trainer that fits the head on the backbone's features (<c>--trainer</c>).</summary>
public enum TrainerKind
{
    /// <summary>Multinomial logistic regression, L-BFGS (ML.NET <c>LbfgsMaximumEntropy</c>). The default: on features of a good backbone a linear head is as accurate as anything else here, and fastest.</summary>
    LbfgsMaximumEntropy,

    /// <summary>Multinomial logistic regression, SDCA (ML.NET <c>SdcaMaximumEntropy</c>).</summary>
    SdcaMaximumEntropy,

    /// <summary>Gradient-boosted trees (ML.NET <c>LightGbm</c>).</summary>
    LightGbm,

    /// <summary>Fit each of the above and keep the one with the lowest validation log-loss, as Model Builder does.</summary>
    Auto,
}
