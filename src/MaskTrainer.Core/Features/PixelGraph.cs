using MaskTrainer.Models;

namespace MaskTrainer.Features;

/// <summary>
/// One backbone as a single ONNX file, raw pixels in, features out: the preprocessing (the spec's
/// preprocessing graph, or its mean/scale/std as Mul/Add nodes, plus a Transpose for NHWC
/// networks), the network cut at its feature layer, global average pooling when the spec asks for
/// it, and a Flatten. Both the batched ONNX Runtime featurizer (<see cref="BackboneFeaturizer"/>)
/// and ML.NET (<see cref="BackboneEstimator"/>) run this very file, so cached training features and
/// the saved model's features agree by construction. Made by
/// <see cref="Onnx.FeatureGraphs.PreparePixelGraph"/>, cached.
/// </summary>
/// <param name="Path">The .onnx file (in the graphs cache).</param>
/// <param name="InputName">The graph input: float [N, 3, <paramref name="InputHeight"/>, <paramref name="InputWidth"/>],
/// raw 0..255 values, planar, planes in <paramref name="ChannelOrder"/> (what ML.NET's ExtractPixels
/// gives with no offset or scale and interleave false). N is symbolic.</param>
/// <param name="OutputName">The graph output: float [N, <paramref name="FeatureSize"/>].</param>
/// <param name="InputWidth">Width the images must have (resize before; the graph does not).</param>
/// <param name="InputHeight">Height the images must have.</param>
/// <param name="ChannelOrder">Order of the three input planes.</param>
/// <param name="FeatureSize">Features per image (D).</param>
/// <param name="LayerShape">Per-image shape of the feature layer before pooling and flattening (e.g. [1024, 14, 14]).</param>
/// <param name="Key">16 hex digits naming the sources (SHA-256 of every file) and the edit; part of the file name.</param>
public sealed record PixelGraph(
    string Path,
    string InputName,
    string OutputName,
    int InputWidth,
    int InputHeight,
    ChannelOrder ChannelOrder,
    int FeatureSize,
    IReadOnlyList<int> LayerShape,
    string Key)
{
    /// <summary>The input's name in every pixel graph.</summary>
    public const string PixelsName = "pixels";

    /// <summary>The output's name in every pixel graph.</summary>
    public const string FeaturesName = "features";

    /// <summary>Floats one image takes in the input: 3 × width × height.</summary>
    public int ElementsPerImage => checked(3 * InputWidth * InputHeight);
}
