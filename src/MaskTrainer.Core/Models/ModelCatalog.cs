using System.Diagnostics.CodeAnalysis;

namespace MaskTrainer.Models;

/// <summary>
/// The models MaskTrainer knows: ids, files pinned by SHA-256, licences and preprocessing.
/// <see cref="Default"/> is the catalog.json embedded in MaskTrainer.Core; <see cref="Load"/> reads
/// another one (same schema). Immutable and validated on construction.
/// </summary>
public sealed class ModelCatalog
{
    /// <summary>Manifest resource name of the embedded catalog.</summary>
    public const string ResourceName = "MaskTrainer.catalog.json";

    private static readonly Lazy<ModelCatalog> DefaultCatalog = new(LoadEmbedded);
    private readonly Dictionary<string, ModelSpec> byId;

    /// <summary>Builds a catalog from specs; throws <see cref="ModelCatalogException"/> when they break a catalog rule (e.g. duplicate ids).</summary>
    /// <param name="models">The models, in display order.</param>
    /// <param name="sourceName">Names the catalog in error messages.</param>
    public ModelCatalog(IEnumerable<ModelSpec> models, string sourceName = "catalog")
    {
        ArgumentNullException.ThrowIfNull(models);
        Models = models.ToArray();
        CatalogValidator.Validate(Models, sourceName);
        byId = Models.ToDictionary(m => m.Id, StringComparer.Ordinal);
    }

    /// <summary>The catalog shipped inside MaskTrainer.Core.</summary>
    public static ModelCatalog Default => DefaultCatalog.Value;

    /// <summary>All models, in catalog order.</summary>
    public IReadOnlyList<ModelSpec> Models { get; }

    /// <summary>Reads a catalog file; throws <see cref="ModelCatalogException"/> naming the file when it is missing or malformed.</summary>
    public static ModelCatalog Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelCatalogException($"{path}: cannot read catalog: {e.Message}", e);
        }

        return Parse(json, path);
    }

    /// <summary>Parses catalog JSON; <paramref name="sourceName"/> names it in error messages.</summary>
    public static ModelCatalog Parse(string json, string sourceName = "catalog.json") =>
        new(CatalogJson.Parse(json, sourceName), sourceName);

    /// <summary>The model with id <paramref name="id"/>; throws <see cref="UnknownModelException"/> listing the known ids otherwise.</summary>
    public ModelSpec Get(string id) =>
        TryGet(id, out var model) ? model : throw new UnknownModelException(id, Models.Select(m => m.Id));

    /// <summary>Looks a model up by id without throwing.</summary>
    public bool TryGet(string id, [NotNullWhen(true)] out ModelSpec? model) => byId.TryGetValue(id, out model);

    /// <summary>The models with role <paramref name="role"/>, in catalog order.</summary>
    public IReadOnlyList<ModelSpec> WithRole(ModelRole role) => Models.Where(m => m.Role == role).ToArray();

    /// <summary>
    /// Describes a backbone the user supplies as an ONNX file (backbones run in ONNX Runtime).
    /// Its SHA-256 is computed now, so a file that changes later is refused rather than silently used.
    /// </summary>
    /// <param name="path">The weights file.</param>
    /// <param name="preprocessing">How to feed it.</param>
    /// <param name="featureLayer">Layer whose output is the feature vector.</param>
    /// <param name="featureSize">Feature length if known; null = measure at run time.</param>
    public static ModelSpec ForUserBackbone(string path, Preprocessing preprocessing, string featureLayer, int? featureSize)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureLayer);
        var format = FormatFromExtension(path);
        var files = new[] { LocalFile(path) };
        return new ModelSpec
        {
            Id = "user:" + Path.GetFileName(path),
            Role = ModelRole.Backbone,
            Format = format,
            Files = files,
            Licence = "user-supplied",
            Provenance = $"user file {Path.GetFullPath(path)}",
            Description = "user-supplied backbone",
            Preprocessing = preprocessing,
            FeatureLayer = featureLayer,
            FeatureSize = featureSize,
        };
    }

    private static ModelFormat FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".onnx" => ModelFormat.Onnx,
        var other => throw new ArgumentException($"{path}: unsupported backbone file type '{other}' (backbones are ONNX files, .onnx; convert others with tf2onnx or your framework's exporter)", nameof(path)),
    };

    private static ModelFileSpec LocalFile(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ModelNotFoundException(Path.GetFileName(full), $"{full}: model file not found");
        }

        return new ModelFileSpec(Path.GetFileName(full), FileHasher.Sha256(full), new FileInfo(full).Length, new LocalFileSource([full]));
    }

    private static ModelCatalog LoadEmbedded()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new ModelCatalogException($"embedded resource {ResourceName} is missing from {typeof(ModelCatalog).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), ResourceName);
    }
}
