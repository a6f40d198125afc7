using MaskTrainer.Models;
using MaskTrainer.Serialization;

namespace MaskTrainer;

/// <summary>Maps a catalog <see cref="ModelSpec"/> to the model file's description of it and back.</summary>
internal static class BackboneConversion
{
    public static BackboneInfo ToInfo(ModelSpec spec, IReadOnlyDictionary<string, string> files, bool embedded)
    {
        var p = spec.Preprocessing ?? throw new InvalidOperationException($"backbone '{spec.Id}' has no preprocessing");
        var described = new List<BackboneFile>(spec.Files.Count);
        foreach (var f in spec.Files)
        {
            described.Add(new BackboneFile(f.Name, f.Sha256, f.Size));
        }

        return new BackboneInfo
        {
            Id = spec.Id,
            Format = FormatName(spec.Format),
            Files = described,
            Embedded = embedded,
            Preprocessing = new PreprocessingInfo
            {
                InputWidth = p.InputWidth,
                InputHeight = p.InputHeight,
                ChannelOrder = p.ChannelOrder == ChannelOrder.Rgb ? "RGB" : "BGR",
                Mean = p.Mean,
                Scale = p.Scale,
                Std = p.Std,
                Layout = p.Layout == TensorLayout.Nhwc ? "NHWC" : "NCHW",
                FeatureLayer = spec.FeatureLayer,
                FeatureSize = spec.FeatureSize ?? 0,
            },
        };
    }

    public static ModelSpec FromInfo(BackboneInfo info, IReadOnlyDictionary<string, string> localFiles, string modelPath)
    {
        var p = info.Preprocessing ?? throw new ModelFileException(modelPath, "the manifest has no backbone preprocessing");
        var files = new List<ModelFileSpec>(info.Files.Count);
        foreach (var f in info.Files)
        {
            if (!localFiles.TryGetValue(f.Name, out var local))
            {
                throw new ModelFileException(modelPath, $"backbone file '{f.Name}' is missing");
            }

            files.Add(new ModelFileSpec(f.Name, f.Sha256, f.Size, new LocalFileSource([local])));
        }

        return new ModelSpec
        {
            Id = info.Id,
            Role = ModelRole.Backbone,
            Format = ParseFormat(info.Format, modelPath),
            Files = files,
            Preprocessing = new Preprocessing(
                p.InputWidth,
                p.InputHeight,
                string.Equals(p.ChannelOrder, "BGR", StringComparison.OrdinalIgnoreCase) ? ChannelOrder.Bgr : ChannelOrder.Rgb,
                [.. p.Mean],
                p.Scale,
                string.Equals(p.Layout, "NHWC", StringComparison.OrdinalIgnoreCase) ? TensorLayout.Nhwc : TensorLayout.Nchw,
                p.Std is null ? null : [.. p.Std]),
            FeatureLayer = p.FeatureLayer,
            FeatureSize = p.FeatureSize > 0 ? p.FeatureSize : null,
        };
    }

    public static string FormatName(ModelFormat format) => format switch
    {
        ModelFormat.Onnx => "onnx",
        ModelFormat.TensorFlow => "tensorflow",
        ModelFormat.Caffe => "caffe",
        _ => format.ToString().ToLowerInvariant(),
    };

    private static ModelFormat ParseFormat(string name, string modelPath) => name.ToLowerInvariant() switch
    {
        "onnx" => ModelFormat.Onnx,
        "tensorflow" => ModelFormat.TensorFlow,
        "caffe" => ModelFormat.Caffe,
        _ => throw new ModelFileException(modelPath, $"unknown backbone format '{name}'"),
    };
}
