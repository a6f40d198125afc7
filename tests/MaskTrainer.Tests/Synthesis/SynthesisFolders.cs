using MaskTrainer.Models;

namespace MaskTrainer.Tests.Synthesis;

/// <summary>A temp folder plus a store that reads ../shared/models only and never downloads.</summary>
internal sealed class SynthesisFolders : IDisposable
{
    public SynthesisFolders()
    {
        Root = Path.Combine(Path.GetTempPath(), "mt-synth-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Store = new ModelStore(new ModelStoreOptions
        {
            CacheDirectory = Path.Combine(Root, "cache"),
            ModelsDirectories = SharedData.Models is { } models ? [models] : [],
            AllowDownload = false,
        });
    }

    public string Root { get; }

    public ModelStore Store { get; }

    public static string? FacesDlib => SharedData.Path("data/faces-dlib/images");

    public string Path2(string relative) => Path.Combine(Root, relative);

    /// <summary>Copies the named files of faces-dlib/images into a new folder under the root.</summary>
    public string CopyFaces(string folder, params string[] names)
    {
        string dir = Path2(folder);
        Directory.CreateDirectory(dir);
        foreach (var name in names)
        {
            File.Copy(Path.Combine(FacesDlib!, name), Path.Combine(dir, name));
        }

        return dir;
    }

    public void Dispose()
    {
        Store.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
