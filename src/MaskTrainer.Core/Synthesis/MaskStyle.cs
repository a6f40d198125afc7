namespace MaskTrainer.Synthesis;

/// <summary>The kinds of mask <see cref="MaskRenderer"/> draws. Command-line spelling: lower case.</summary>
public enum MaskStyle
{
    /// <summary>Pleated disposable mask: straight top edge with a nose wire, three pleats, ear loops.</summary>
    Surgical,

    /// <summary>Fitted fabric mask: rounded outline, centre seam, soft folds.</summary>
    Cloth,

    /// <summary>N95/KN95-like respirator: pointed at the nose and chin, centre fold, sometimes a valve.</summary>
    N95,

    /// <summary>Fabric mask printed with stripes, checks, dots or spots.</summary>
    Patterned,
}
