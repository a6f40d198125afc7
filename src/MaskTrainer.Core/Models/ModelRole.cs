namespace MaskTrainer.Models;

/// <summary>What a catalog model is used for. Catalog spelling: <c>"backbone"</c>, <c>"face-detector"</c>.</summary>
public enum ModelRole
{
    /// <summary>A frozen network whose <see cref="ModelSpec.FeatureLayer"/> output feeds the trained head.</summary>
    Backbone,

    /// <summary>Finds faces in a frame; its crops are what the classifier sees.</summary>
    FaceDetector,
}
