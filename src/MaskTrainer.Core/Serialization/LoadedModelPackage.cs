using MaskTrainer.Training;

namespace MaskTrainer.Serialization;

/// <summary>
/// A verified model file: manifest, head weights, and local paths of the backbone files.
/// Dispose to delete the private folder the backbone was extracted to (cached and resolved
/// backbones are left in place).
/// </summary>
public sealed class LoadedModelPackage : IDisposable
{
    private readonly string? _privateFolder;
    private bool _disposed;

    internal LoadedModelPackage(
        string sourcePath,
        ModelManifest manifest,
        IReadOnlyList<NamedTensor> headTensors,
        IReadOnlyDictionary<string, string> backboneFiles,
        string? backboneDirectory,
        string? privateFolder)
    {
        SourcePath = sourcePath;
        Manifest = manifest;
        HeadTensors = headTensors;
        BackboneFiles = backboneFiles;
        BackboneDirectory = backboneDirectory;
        _privateFolder = privateFolder;
    }

    /// <summary>The model file as the caller named it.</summary>
    public string SourcePath { get; }

    /// <summary>The verified manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Head weights in manifest order, hash-verified.</summary>
    public IReadOnlyList<NamedTensor> HeadTensors { get; }

    /// <summary>Backbone file name (as in <see cref="BackboneInfo.Files"/>) to a local, verified path.</summary>
    public IReadOnlyDictionary<string, string> BackboneFiles { get; }

    /// <summary>
    /// Folder holding all embedded backbone files under their original names (so multi-file
    /// backbones find each other); null when the files came from the resolver.
    /// </summary>
    public string? BackboneDirectory { get; }

    /// <summary>Local path of the backbone file named <paramref name="name"/>.</summary>
    public string GetBackboneFile(string name) =>
        BackboneFiles.TryGetValue(name, out var path)
            ? path
            : throw new KeyNotFoundException($"{SourcePath}: backbone has no file named '{name}'");

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_privateFolder is not null)
        {
            BackboneExtractor.TryDeleteFolder(_privateFolder);
        }
    }
}
