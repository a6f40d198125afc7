using MaskTrainer.Imaging;

namespace MaskTrainer.Detect.Sources;

/// <summary>
/// The files of --images PATH...: a named file, and the files directly inside a named folder
/// (sorted by name), are taken when they have an image extension and otherwise
/// <see cref="Skipped"/>; the extension also picks the format of the annotated copy. Sub-folders
/// are not entered, so a folder of annotated copies inside an input folder is never read back.
/// </summary>
public sealed class ImageList
{
    // Ordinal so the order is the same on every machine, whatever the culture.
    private static readonly StringComparer NameOrder = StringComparer.OrdinalIgnoreCase;

    // A folder's own files (sub-folders are not searched), without hidden ones (names starting
    // with '.' on Unix, the Hidden attribute on Windows), as ImageFolderDataset lists a class folder.
    private static readonly EnumerationOptions FolderFiles = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
    };

    private ImageList(List<string> files, List<(string Path, string Reason)> skipped, List<string> folders)
    {
        Files = files;
        Skipped = skipped;
        Folders = folders;
    }

    /// <summary>The image files to process, in order, each once.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Files that are not processed, with the reason.</summary>
    public IReadOnlyList<(string Path, string Reason)> Skipped { get; }

    /// <summary>The full paths of the folders the files come from (given folders, and the folders of given files).</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>Expands <paramref name="paths"/>.</summary>
    /// <exception cref="DetectorException">A path is neither a file nor a folder.</exception>
    public static ImageList Expand(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        var skipped = new List<(string, string)>();
        var folders = new List<string>();

        // Full paths: the same file named twice (or once directly and once through its folder) runs once.
        var seen = new HashSet<string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                Take(path);
                AddFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
            }
            else if (Directory.Exists(path))
            {
                AddFolder(Path.GetFullPath(path));
                // Hidden files are left out, as training leaves them out of a class folder.
                var inside = Directory.GetFiles(path, "*", FolderFiles);
                Array.Sort(inside, (a, b) => NameOrder.Compare(Path.GetFileName(a), Path.GetFileName(b)));
                foreach (var file in inside)
                {
                    Take(file);
                }
            }
            else
            {
                throw new DetectorException($"{path}: no such file or folder");
            }
        }

        return new ImageList(files, skipped, folders);

        void Take(string file)
        {
            if (!seen.Add(Path.GetFullPath(file)))
            {
                return;
            }

            if (ImageCodec.HasImageExtension(file))
            {
                files.Add(file);
            }
            else
            {
                skipped.Add((file, ImageCodec.NotAnImageReason(file)));
            }
        }

        void AddFolder(string full)
        {
            full = Path.TrimEndingDirectorySeparator(full);
            if (!folders.Contains(full, seen.Comparer))
            {
                folders.Add(full);
            }
        }
    }
}
