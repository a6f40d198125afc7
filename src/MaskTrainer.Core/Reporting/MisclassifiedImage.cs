namespace MaskTrainer.Reporting;

/// <summary>
/// A test image the model got wrong. <paramref name="Probability"/> is the model's probability
/// for the (wrong) predicted class. <paramref name="Thumbnail"/> is an already-encoded small
/// JPEG or PNG (embedded as a data: URI), or null.
/// </summary>
public sealed record MisclassifiedImage(string Path, string Truth, string Predicted, double Probability, byte[]? Thumbnail);
