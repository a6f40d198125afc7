namespace MaskTrainer.Serialization;

/// <summary>The frozen backbone network a model's head was trained on.</summary>
public sealed record BackboneInfo
{
    /// <summary>Catalog id of the backbone (e.g. "mobilenetv2-12").</summary>
    public required string Id { get; init; }

    /// <summary>Weights format as OpenCV DNN reads it: "onnx", "tensorflow" or "caffe".</summary>
    public string Format { get; init; } = "onnx";

    /// <summary>
    /// The files making up the backbone (one for ONNX; model + config for TensorFlow/Caffe).
    /// Hashes and sizes are computed by <see cref="ModelPackage.Save"/> when it is given the files.
    /// </summary>
    public IReadOnlyList<BackboneFile> Files { get; init; } = [];

    /// <summary>
    /// True when the files are stored in the zip under <c>backbone/</c> (the default, so the
    /// model runs anywhere); false when a loader must find them by hash.
    /// </summary>
    public bool Embedded { get; init; }

    /// <summary>How images are turned into the backbone's input tensor, and which layer is read.</summary>
    public PreprocessingInfo? Preprocessing { get; init; }
}
