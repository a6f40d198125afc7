namespace MaskTrainer.Tests.Imaging;

/// <summary>A temp folder for one test, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    /// <param name="prefix">Starts the folder's name, telling whose tests left a folder behind.</param>
    public TempFolder(string prefix = "mt-opencv-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

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
