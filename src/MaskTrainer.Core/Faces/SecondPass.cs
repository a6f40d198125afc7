namespace MaskTrainer.Faces;

/// <summary>
/// A second model run on the whole image by <see cref="TiledFaceDetector"/>, at its own threshold
/// (scores of different models are not comparable); it only adds faces the first model missed.
/// </summary>
/// <param name="Detector">The model (owned by the tiled detector).</param>
/// <param name="MinConfidence">Its threshold.</param>
public sealed record SecondPass(IFaceDetector Detector, float MinConfidence);
