using System.Security.Cryptography;

namespace MaskTrainer.Data;

/// <summary>
/// An image-classification dataset laid out as one sub-folder per class (the folder name is the
/// label), like ML.NET's and Keras' image-folder loaders. Images are found by extension,
/// recursively inside each class folder, and hashed so that identical files can be kept
/// together when splitting. Everything is sorted ordinally so a folder always loads the same way.
/// </summary>
public sealed class ImageFolderDataset
{
    private ImageFolderDataset(
        string root,
        IReadOnlyList<string> labels,
        IReadOnlyList<ImageExample> examples,
        IReadOnlyList<DuplicateGroup> duplicateGroups,
        IReadOnlyList<ClassCount> summary,
        IReadOnlyList<string> skippedFiles)
    {
        Root = root;
        SkippedFiles = skippedFiles;
        Labels = labels;
        Examples = examples;
        DuplicateGroups = duplicateGroups;
        Summary = summary;
    }

    /// <summary>The dataset folder, as given to <see cref="Load"/>.</summary>
    public string Root { get; }

    /// <summary>Class names (sub-folder names), sorted ordinally; the index is the label index.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>All images, class by class, each class sorted ordinally by path.</summary>
    public IReadOnlyList<ImageExample> Examples { get; }

    /// <summary>Groups of identical files, within or across classes (see <see cref="DuplicateGroup.IsConflict"/>).</summary>
    public IReadOnlyList<DuplicateGroup> DuplicateGroups { get; }

    /// <summary>
    /// Files in the class folders that were not taken because their extension is not an image
    /// extension (<see cref="ImageFolderOptions.Extensions"/>), sorted; hidden files are not listed.
    /// </summary>
    public IReadOnlyList<string> SkippedFiles { get; }

    /// <summary>Image count per class, in label order.</summary>
    public IReadOnlyList<ClassCount> Summary { get; }

    /// <summary>Duplicate groups whose copies carry different labels.</summary>
    public IEnumerable<DuplicateGroup> Conflicts => DuplicateGroups.Where(g => g.IsConflict);

    /// <summary>
    /// Lists and hashes the images under <paramref name="root"/>. Hidden files and folders are
    /// ignored (names starting with '.' on Unix, the Hidden attribute on Windows), which drops
    /// .git folders and macOS "._x.jpg" resource forks. All checks run before any file is read.
    /// </summary>
    /// <exception cref="DatasetException">The folder is missing, has fewer than two class folders,
    /// a class folder has no images, or a file cannot be read.</exception>
    public static ImageFolderDataset Load(string root, ImageFolderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        options ??= ImageFolderOptions.Default;
        if (options.MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxDegreeOfParallelism must be at least 1");
        }

        if (!Directory.Exists(root))
        {
            throw new DatasetException($"data folder '{root}' does not exist");
        }

        var classDirs = Directory.GetDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && !new DirectoryInfo(d).Attributes.HasFlag(FileAttributes.Hidden))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToArray();
        if (classDirs.Length == 0)
        {
            throw new DatasetException($"'{root}' has no class folders; need at least {(options.MinClasses > 1 ? "two" : "one")} (one sub-folder per class, e.g. with_mask and without_mask)");
        }

        if (classDirs.Length < options.MinClasses)
        {
            throw new DatasetException($"'{root}' has only one class folder ({Path.GetFileName(classDirs[0])}); need at least two");
        }

        var extensions = new HashSet<string>(options.Extensions, StringComparer.OrdinalIgnoreCase);
        var labels = classDirs.Select(d => Path.GetFileName(d)).ToArray();
        var files = new List<(string Path, int Label)>();
        var skipped = new List<string>();
        var empty = new List<string>();
        var enumeration = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };
        for (int c = 0; c < classDirs.Length; c++)
        {
            var all = Directory.EnumerateFiles(classDirs[c], "*", enumeration).Select(Path.GetFullPath).ToArray();
            var found = all.Where(f => extensions.Contains(Path.GetExtension(f))).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            skipped.AddRange(all.Where(f => !extensions.Contains(Path.GetExtension(f))));
            if (found.Length == 0)
            {
                empty.Add(labels[c]);
            }

            foreach (var f in found)
            {
                files.Add((f, c));
            }
        }

        if (empty.Count == 1)
        {
            throw new DatasetException($"class '{empty[0]}' in '{root}' has no images");
        }

        if (empty.Count > 1)
        {
            throw new DatasetException($"classes {string.Join(", ", empty.Select(e => $"'{e}'"))} in '{root}' have no images");
        }

        var hashes = HashAll(files, options.MaxDegreeOfParallelism);
        var examples = new ImageExample[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            examples[i] = new ImageExample(files[i].Path, labels[files[i].Label], files[i].Label, hashes[i]);
        }

        var counts = labels.Select((l, c) => new ClassCount(l, files.Count(f => f.Label == c))).ToArray();
        skipped.Sort(StringComparer.Ordinal);
        return new ImageFolderDataset(root, labels, examples, FindDuplicates(examples), counts, skipped);
    }

    /// <summary>One line, e.g. "1200 images in 2 classes (with_mask 600, without_mask 600); no duplicates".</summary>
    public override string ToString()
    {
        string classes = string.Join(", ", Summary.Select(c => $"{c.Label} {c.Count}"));
        int conflicts = DuplicateGroups.Count(g => g.IsConflict);
        string dups = DuplicateGroups.Count == 0
            ? "no duplicates"
            : $"{DuplicateGroups.Count} group(s) of identical files ({DuplicateGroups.Sum(g => g.Examples.Count)} files, {conflicts} with conflicting labels)";
        string others = SkippedFiles.Count == 0 ? ""
            : $"; {SkippedFiles.Count} other file(s) skipped, not an image extension ({string.Join(", ", SkippedFiles.Take(3).Select(Path.GetFileName))}{(SkippedFiles.Count > 3 ? ", ..." : "")})";
        return $"{Examples.Count} images in {Labels.Count} classes ({classes}); {dups}{others}";
    }

    internal static IReadOnlyList<DuplicateGroup> FindDuplicates(IReadOnlyList<ImageExample> examples)
    {
        // Keyed by hash, ordered by first occurrence so the report is stable.
        var byHash = new Dictionary<string, List<ImageExample>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var e in examples)
        {
            if (!byHash.TryGetValue(e.ContentHash, out var list))
            {
                byHash[e.ContentHash] = list = [];
                order.Add(e.ContentHash);
            }

            list.Add(e);
        }

        return order.Where(h => byHash[h].Count > 1).Select(h => new DuplicateGroup(h, byHash[h].ToArray())).ToArray();
    }

    private static string[] HashAll(List<(string Path, int Label)> files, int parallelism)
    {
        var hashes = new string[files.Count];
        var errors = new Exception?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
        {
            try
            {
                using var stream = new FileStream(files[i].Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                hashes[i] = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors[i] = ex;
            }
        });

        // Report the first failure in path order, so the message does not depend on thread timing.
        for (int i = 0; i < errors.Length; i++)
        {
            if (errors[i] is { } ex)
            {
                throw new DatasetException($"cannot read '{files[i].Path}': {ex.Message}", ex);
            }
        }

        return hashes;
    }
}
