using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>
/// OpenCV's data files (the Haar cascades), which OpenCvSharp's runtime package does not ship:
/// on Debian/Ubuntu they come from apt's <c>opencv-data</c> (scripts/setup.sh installs it).
/// </summary>
public static class OpenCvData
{
    // Where Linux packages (Debian/Ubuntu opencv-data, source installs) put the cascades.
    private static readonly string[] DataFolders =
    [
        "/usr/share/opencv4/haarcascades",
        "/usr/share/opencv4/lbpcascades",
        "/usr/local/share/opencv4/haarcascades",
        "/usr/local/share/opencv4/lbpcascades",
        "/usr/share/opencv/haarcascades",
        "/usr/share/opencv/lbpcascades",
    ];

    /// <summary>
    /// Full path of an OpenCV data file such as "haarcascade_frontalface_default.xml": the name
    /// itself if it exists, else the folders of $OPENCV_DATA_DIR, the Linux packages, and (on
    /// Windows) %OpenCV_DIR%\etc\haarcascades; null when not found.
    /// </summary>
    public static string? FindDataFile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (File.Exists(name))
        {
            return Path.GetFullPath(name);
        }

        var folders = new List<string>();
        foreach (var variable in new[] { "OPENCV_DATA_DIR", "OpenCV_DIR" })
        {
            var root = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(root))
            {
                folders.Add(root);
                folders.Add(Path.Combine(root, "haarcascades"));
                folders.Add(Path.Combine(root, "lbpcascades"));
                folders.Add(Path.Combine(root, "etc", "haarcascades"));
                folders.Add(Path.Combine(root, "etc", "lbpcascades"));
            }
        }

        folders.AddRange(DataFolders);
        foreach (var folder in folders)
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Loads a cascade XML file; throws <see cref="ImagingException"/> naming it if that fails.</summary>
    public static CascadeClassifier LoadCascade(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ImagingException($"{path}: cascade file not found");
        }

        var cascade = new CascadeClassifier();
        bool loaded;
        try
        {
            loaded = cascade.Load(path);
        }
        catch (OpenCVException e)
        {
            cascade.Dispose();
            throw new ImagingException($"{path}: cannot load cascade: {e.Message}", e);
        }

        if (!loaded || cascade.Empty())
        {
            cascade.Dispose();
            throw new ImagingException($"{path}: cannot load cascade (not a cascade classifier XML file?)");
        }

        return cascade;
    }
}
