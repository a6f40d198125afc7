namespace MaskTrainer.Augmentation;

/// <summary>What <see cref="SceneFill"/> paints beyond the photo: the simple shapes most scenes under a chin are made of.</summary>
public enum SceneFillPattern
{
    /// <summary>One colour (a wall, a sweater).</summary>
    Flat,

    /// <summary>Two colours split by a straight edge (a collar, a table's edge, a door frame).</summary>
    Edge,

    /// <summary>Parallel stripes of the two colours (a striped shirt, blinds, shelves).</summary>
    Stripes,

    /// <summary>A linear blend from one colour to the other (shading, a lit wall).</summary>
    Gradient,
}
