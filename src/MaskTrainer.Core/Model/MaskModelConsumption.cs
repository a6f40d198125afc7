namespace MaskTrainer.Model;

/// <summary>
/// Prediction the way Model Builder's <c>MLModel.consumption.cs</c> offers it: a static
/// <see cref="Predict"/> over a model loaded once, on first use, from <see cref="ModelPath"/>.
/// Thread-safe (engines come from a pool). Faces must be cropped with the model's
/// <see cref="MaskModel.FaceCrop"/> policy first; <c>./train.sh predict</c> does both.
/// </summary>
public static class MaskModelConsumption
{
    /// <summary>The model file (default artifacts/mask_model.zip, what <c>./train.sh</c> writes). Set before the first <see cref="Predict"/>.</summary>
    public static string ModelPath { get; set; } = Path.GetFullPath(MaskModel.DefaultPath);

    private static readonly Lazy<MaskPredictor> Predictor = new(() => new MaskPredictor(MaskModel.Load(ModelPath!)), isThreadSafe: true);

    /// <summary>Classifies one image.</summary>
    public static ModelOutput Predict(ModelInput input) => Predictor.Value.Predict(input);
}
