namespace MaskTrainer.Serialization;

/// <summary>How faces were found and cropped before featurizing; prediction must crop the same way.</summary>
public sealed record FaceCropInfo
{
    /// <summary>True when images were cropped to detected faces. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Catalog id of the face detector used.</summary>
    public string? DetectorId { get; init; }

    /// <summary>Extra border around the detected box, as a fraction of the box size. Default 0.2.</summary>
    public float Margin { get; init; } = 0.2f;

    /// <summary>True when the crop was widened to a square around the box centre. Default true.</summary>
    public bool Square { get; init; } = true;

    /// <summary>True when everything outside the face box was filled with grey. Default false (models made before it existed).</summary>
    public bool BlankMargin { get; init; }

    /// <summary>Detections below this confidence were ignored. Default 0.5.</summary>
    public float MinConfidence { get; init; } = 0.5f;
}
