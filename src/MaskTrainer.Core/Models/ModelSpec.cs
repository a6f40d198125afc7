namespace MaskTrainer.Models;

/// <summary>
/// One model of the catalog (or a user-supplied backbone): its files, licence, provenance and how to
/// feed it. Immutable. <see cref="Files"/>[0] is the weights file; for TensorFlow and Caffe,
/// Files[1] (if present) is the text config; an ONNX backbone may list its preprocessing graph
/// (<see cref="Models.Preprocessing.Model"/>) after the network. <see cref="ModelStore.FetchAsync"/> returns local
/// paths in the same order.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>Catalog id, e.g. <c>res10</c>, <c>fr-pose</c>; user backbones are <c>user:&lt;file name&gt;</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What the model is for.</summary>
    public required ModelRole Role { get; init; }

    /// <summary>How OpenCV loads it.</summary>
    public required ModelFormat Format { get; init; }

    /// <summary>The model's files, weights first.</summary>
    public required IReadOnlyList<ModelFileSpec> Files { get; init; }

    /// <summary>Licence as far as it is known; says so when it is only declared.</summary>
    public string Licence { get; init; } = "";

    /// <summary>Where the weights come from and what was checked about them.</summary>
    public string Provenance { get; init; } = "";

    /// <summary>One-line human description.</summary>
    public string Description { get; init; } = "";

    /// <summary>Input preprocessing; null only for <see cref="ModelFormat.Haar"/>.</summary>
    public Preprocessing? Preprocessing { get; init; }

    /// <summary>
    /// For backbones: the tensor whose output is the feature vector, by tensor name or as
    /// <c>onnx_node!&lt;node name&gt;</c> (OpenCV's spelling: that node's first output).
    /// </summary>
    public string? FeatureLayer { get; init; }

    /// <summary>For backbones: length of the feature vector, when known (null = measure at run time).</summary>
    public int? FeatureSize { get; init; }

    /// <summary>Pooling applied to <see cref="FeatureLayer"/>'s output (global average lets an early conv layer serve as features).</summary>
    public FeaturePooling FeaturePooling { get; init; } = FeaturePooling.None;

    /// <summary>
    /// For ONNX backbones: the embedded activation ranges (<see cref="Onnx.Int8Ranges"/>) with which the
    /// pixel graph is quantized to 8 bits (<see cref="Onnx.Int8Quantizer"/>); null = float.
    /// </summary>
    public string? Int8Ranges { get; init; }

    /// <summary>Output names (ONNX graph outputs / OpenCV layer names); detectors decode these.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>Shapes and meaning of <see cref="Outputs"/>, free text.</summary>
    public string? OutputsNote { get; init; }

    /// <summary>The file named <paramref name="fileName"/>; throws <see cref="ArgumentException"/> listing the model's files otherwise.</summary>
    public ModelFileSpec GetFile(string fileName)
    {
        foreach (var file in Files)
        {
            if (file.Name == fileName)
            {
                return file;
            }
        }

        throw new ArgumentException(
            $"model '{Id}' has no file '{fileName}'; its files: {string.Join(", ", Files.Select(f => f.Name))}",
            nameof(fileName));
    }
}
