namespace MaskTrainer.Tests.Model;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class ZipTempFolder : IDisposable
{
    public ZipTempFolder()
    {
        Path = Directory.CreateTempSubdirectory("mt-zip-test-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Folder(string name) => Directory.CreateDirectory(File(name)).FullName;

    /// <summary>Every file below the folder, relative, sorted.</summary>
    public string[] AllFiles() =>
        Directory.GetFiles(Path, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Path, f))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
