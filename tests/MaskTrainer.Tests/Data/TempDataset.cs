using System.Text;

namespace MaskTrainer.Tests.Data;

/// <summary>A throw-away dataset folder under the temp directory; files hold whatever bytes a test gives.</summary>
internal sealed class TempDataset : IDisposable
{
    /// <param name="prefix">Starts the folder's name, telling whose tests left a folder behind.</param>
    public TempDataset(string prefix = "masktrainer-data-")
    {
        Root = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes <paramref name="content"/> to Root/relativePath, creating folders.</summary>
    public string Add(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(content));
        return Path.GetFullPath(path);
    }

    /// <summary>Adds <paramref name="count"/> distinct files class/name000.jpg .. .</summary>
    public void AddClass(string label, int count, string prefix = "img")
    {
        Directory.CreateDirectory(Path.Combine(Root, label));
        for (int i = 0; i < count; i++)
        {
            Add(Path.Combine(label, $"{prefix}{i:D3}.jpg"), $"{label}/{prefix}{i}");
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}
