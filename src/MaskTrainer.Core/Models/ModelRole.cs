namespace MaskTrainer.Models;

/// <summary>What a catalog model is used for. Catalog spelling: <c>"backbone"</c>, <c>"face-detector"</c>, <c>"face-verifier"</c>, <c>"sample-images"</c>.</summary>
public enum ModelRole
{
    /// <summary>A frozen network whose <see cref="ModelSpec.FeatureLayer"/> output feeds the trained head.</summary>
    Backbone,

    /// <summary>Finds faces in a frame; its crops are what the classifier sees.</summary>
    FaceDetector,

    /// <summary>Checks a detector's candidate box (is it a human face?) before it is reported.</summary>
    FaceVerifier,

    /// <summary>
    /// Not a model: photos the project fetches through the store (pinned, cached, verified like
    /// weights) to build the starter dataset when the user brings no data.
    /// </summary>
    SampleImages,
}
