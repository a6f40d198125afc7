namespace MaskTrainer.Synthesis;

/// <summary>Print on a <see cref="MaskStyle.Patterned"/> mask, laid out in face units so it follows the face.</summary>
public enum MaskPattern
{
    /// <summary>Plain fabric.</summary>
    None,

    /// <summary>Parallel stripes.</summary>
    Stripes,

    /// <summary>Two crossing sets of stripes (tartan-like checks).</summary>
    Checks,

    /// <summary>A regular grid of dots.</summary>
    Dots,

    /// <summary>Scattered spots of several sizes (floral-like prints).</summary>
    Spots,
}
