namespace MaskTrainer.Tests.OpenCv;

/// <summary>
/// Locates the shared test data and models: ../shared next to the folder holding
/// MaskTrainer.sln. Tests needing them use <see cref="SharedFactAttribute"/> to skip cleanly.
/// </summary>
internal static class OpenCvTestData
{
    private static readonly Lazy<string?> SharedRoot = new(FindShared);

    public static string? Shared => SharedRoot.Value;

    public static string Data(string relative) => Path.Combine(Shared ?? "../shared", "data", relative);

    public static string Model(string name) => Path.Combine(Shared ?? "../shared", "models", name);

    public static string FaceImage => Data("faces-dlib/images/2008_002506.jpg");

    public static string Res10Model => Model("opencv_face_detector_uint8.pb");

    public static string Res10Config => Model("opencv_face_detector.pbtxt");

    /// <summary>A fresh empty folder under the system temp folder; deleted by the caller.</summary>
    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "mt-opencv-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string? FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that skips, saying what is missing, when shared data or model files are absent.</summary>
public sealed class SharedFactAttribute : FactAttribute
{
    /// <param name="files">Paths relative to ../shared that the test needs, e.g. "models/x.onnx".</param>
    public SharedFactAttribute(params string[] files)
    {
        if (OpenCvTestData.Shared is null)
        {
            Skip = "shared test data not found (expected ../shared next to the repository)";
            return;
        }

        foreach (var file in files)
        {
            if (!File.Exists(Path.Combine(OpenCvTestData.Shared, file)) && !Directory.Exists(Path.Combine(OpenCvTestData.Shared, file)))
            {
                Skip = $"shared file missing: ../shared/{file}";
                return;
            }
        }
    }
}

/// <summary>A temp folder for one test, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = OpenCvTestData.NewTempFolder();

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
