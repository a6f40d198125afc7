using Microsoft.ML.Data;

namespace MaskTrainer.Model;

/// <summary>What the model says about one image, as in Model Builder's generated <c>ModelOutput</c>.</summary>
public sealed class ModelOutput
{
    /// <summary>The most probable class name.</summary>
    [ColumnName("PredictedLabel")]
    public string PredictedLabel { get; set; } = "";

    /// <summary>Probability of each class, in <see cref="MaskModel.Labels"/> order (sorted class names).</summary>
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];
}
