using MaskTrainer.Data;
using MaskTrainer.Imaging;

namespace MaskTrainer.Detect.Output;

/// <summary>Output file rules: the kind and codec by extension, checked before any work starts.</summary>
public static class OutputFiles
{
    /// <summary>The kind of output for <paramref name="path"/>, or null for an extension we do not write.</summary>
    public static OutputKind? KindOf(string path) => ImageCodec.HasImageExtension(path) ? OutputKind.Image
        : VideoExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()) ? OutputKind.Video
        : null;

    /// <summary>The video files --output writes (MPEG-4 in all but .avi, Motion JPEG there: <see cref="FourCcFor"/>).</summary>
    public static IReadOnlyList<string> VideoExtensions { get; } = [".mp4", ".m4v", ".mov", ".avi"];

    /// <summary>
    /// The FourCC for a video path: "mp4v" (MPEG-4 Part 2, written by OpenCV's FFmpeg back-end
    /// everywhere without extra codecs) for MP4/MOV, "MJPG" for AVI.
    /// </summary>
    public static string FourCcFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".avi" => "MJPG",
        _ => "mp4v",
    };

    /// <summary>
    /// Checks that <paramref name="path"/> can be written for this input: a file, not a folder, of
    /// a known extension of the right kind (<see cref="CheckFormat"/>), in an existing folder, and not the input file itself
    /// (the annotated copy would replace the original). Returns a one-line problem, or null when fine.
    /// </summary>
    /// <param name="inputPath">The --video or --image file; null for a camera.</param>
    public static string? Check(string path, bool imageInput, string? inputPath = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return $"{path}: is a folder; --output takes a file name, e.g. {Path.Combine(path, imageInput ? "annotated.jpg" : "annotated.mp4")}";
        }

        if (CheckFormat(path, imageInput) is { } format)
        {
            return format;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            return FilePaths.FileInTheWay(path) is { } file ? $"{path}: {file} is a file, not a folder" : $"{path}: folder {folder} does not exist";
        }

        if (inputPath is not null && FilePaths.Same(path, inputPath))
        {
            return $"{path}: is the input file; the annotated copy would replace the original (choose another name)";
        }

        return null;
    }

    /// <summary>
    /// The part of <see cref="Check"/> that the command line alone decides, so a wrong value is a
    /// usage error (exit 2) as for any other option: a name at all, an extension we write, and the
    /// kind the input makes (an image for --image, a video for video and camera). Null when fine,
    /// and for an existing folder, which <see cref="Check"/> reports in its own words.
    /// </summary>
    public static string? CheckFormat(string path, bool imageInput)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return "--output '' needs a file name";
        }

        if (Directory.Exists(path))
        {
            return null;
        }

        var kind = KindOf(path);
        if (kind is null)
        {
            return $"{path}: unknown output format '{Path.GetExtension(path)}' (use {string.Join(", ", VideoExtensions)} for video, {string.Join(", ", ImageCodec.Extensions)} for an image)";
        }

        if (imageInput && kind == OutputKind.Video)
        {
            return $"{path}: --image writes an image: use {string.Join(", ", ImageCodec.Extensions)}";
        }

        if (!imageInput && kind == OutputKind.Image)
        {
            return $"{path}: video and camera input write a video: use {string.Join(", ", VideoExtensions)}";
        }

        return null;
    }

    /// <summary>
    /// The part of the --images --output check that the command line alone decides (a usage error):
    /// a name at all, and not the name of an image or video file (photo.jpg, out.mp4) unless a
    /// folder of that name exists: the run would create a folder called photo.jpg. Null when fine,
    /// and for an existing file, which <see cref="CheckFolder"/> reports in its own words.
    /// </summary>
    public static string? CheckFolderName(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (folder.Length == 0)
        {
            return "--output '' needs a folder name";
        }

        if (KindOf(folder) is { } kind && !Directory.Exists(folder) && !File.Exists(folder))
        {
            var name = Path.ChangeExtension(folder, null);
            return $"--output names a folder with --images; {folder} is a{(kind == OutputKind.Image ? "n image" : " video")} file's name and no such folder exists (give a folder, e.g. {(Path.GetFileName(name).Length > 0 ? name : "annotated")})";
        }

        return null;
    }

    /// <summary>
    /// Checks the --output folder of an --images run: not a file, not one of the input folders
    /// (the copies would overwrite the originals), no input whose copy would be that input itself
    /// (a link to a file in the output folder, a hard link, a link to the output folder), and no two
    /// inputs with the same file name (one copy would overwrite the other). Returns a one-line
    /// problem, or null when fine. All of it is known before any image is read, so it is checked then.
    /// </summary>
    public static string? CheckFolder(string folder, Sources.ImageList inputs)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(inputs);
        if (folder.Length == 0)
        {
            return "--output '' needs a folder name";
        }

        if (File.Exists(folder))
        {
            return $"{folder}: --output with --images is a folder, but this is a file";
        }

        foreach (var input in inputs.Folders)
        {
            if (FilePaths.Same(folder, input))
            {
                return $"{folder}: the output folder is an input folder; the annotated copies would replace the originals";
            }
        }

        foreach (var file in inputs.Files)
        {
            // The copy is renamed over whatever is at its path: when that is the input's own file
            // under another name, the original photo would be replaced by its annotated copy.
            var copy = Path.Combine(folder, Path.GetFileName(file));
            if (FilePaths.Same(copy, file))
            {
                return $"{file}: its annotated copy {copy} would replace it (the same file, through a link); choose another output folder";
            }
        }

        var names = new Dictionary<string, string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        foreach (var file in inputs.Files)
        {
            if (!names.TryAdd(Path.GetFileName(file), file))
            {
                return $"{file}: same name as {names[Path.GetFileName(file)]}; their annotated copies in {folder} would overwrite each other";
            }
        }

        return null;
    }

    /// <summary>
    /// Creates the --output folder of an --images run if missing, and writes and deletes a file in
    /// it, before the models load: a folder that cannot be written (read-only, no permission, a
    /// file in its path) fails at once in one line, instead of after every image was processed.
    /// Returns that line, "&lt;folder&gt;: &lt;reason&gt;", or null when a copy can be written.
    /// </summary>
    public static string? PrepareFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            if (FilePaths.FileInTheWay(Path.Combine(full, "x")) is { } file)
            {
                return $"{folder}: {file} is a file, not a folder";
            }

            try
            {
                Directory.CreateDirectory(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Named by the nearest folder that exists: that is where nothing could be created.
                var parent = Path.GetDirectoryName(full);
                while (parent is not null && !Directory.Exists(parent))
                {
                    parent = Path.GetDirectoryName(parent);
                }

                return $"{folder}: {FilePaths.WhyNotWritten(e, parent ?? full)}";
            }
        }

        return FilePaths.WhyNoFileIn(full) is { } why ? $"{folder}: {why}" : null;
    }
}
