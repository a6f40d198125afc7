using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

/// <summary>A Haar or LBP cascade detector (cv::CascadeClassifier), e.g. haarcascade_frontalface_default.xml.</summary>
public sealed class CascadeClassifier : IDisposable
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

    private readonly CascadeClassifierHandle _handle;

    /// <summary>Loads a cascade XML file; throws <see cref="OpenCvException"/> naming it if that fails.</summary>
    public CascadeClassifier(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new OpenCvException($"{path}: cascade file not found");
        }

        var status = NativeMethods.mt_cascade_load(path, out var handle, out var loaded);
        if (status != 0)
        {
            handle.Dispose();
            throw NativeError.Create(status, $"{path}: cannot load cascade");
        }

        if (loaded == 0)
        {
            handle.Dispose();
            throw new OpenCvException($"{path}: cannot load cascade (not a cascade classifier XML file?)");
        }

        _handle = handle;
    }

    /// <summary>
    /// Finds objects at all scales. <paramref name="minSize"/> and <paramref name="maxSize"/>
    /// default to no limit; each result needs <paramref name="minNeighbors"/> overlapping hits.
    /// </summary>
    public Rect[] DetectMultiScale(Mat image, double scaleFactor = 1.1, int minNeighbors = 3, Size minSize = default, Size maxSize = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var status = NativeMethods.mt_cascade_detect_multi_scale(_handle, image.Handle, scaleFactor, minNeighbors,
            minSize.Width, minSize.Height, maxSize.Width, maxSize.Height, out var block, out var count);
        if (status != 0)
        {
            throw NativeError.Create(status, "DetectMultiScale");
        }

        try
        {
            var rects = new Rect[count];
            if (count > 0)
            {
                unsafe
                {
                    // Rect is four ints, the layout of the (x, y, w, h) quads the shim returns.
                    new ReadOnlySpan<Rect>((void*)block, count).CopyTo(rects);
                }
            }

            return rects;
        }
        finally
        {
            NativeMethods.mt_free(block);
        }
    }

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

    public void Dispose() => _handle.Dispose();
}
