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
        IReadOnlyList<string> skippedFiles,
        IReadOnlyList<SkippedItem> unreadable)
    {
        Root = root;
        SkippedFiles = skippedFiles;
        Unreadable = unreadable;
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

    /// <summary>
    /// <see cref="SkippedFiles"/> as skipped items with their reason, for the lists that name every
    /// file a run left out (metrics.json's <c>skipped</c>, the report), as the console counts them.
    /// </summary>
    public IReadOnlyList<SkippedItem> SkippedByExtension =>
        SkippedFiles.Select(f => new SkippedItem(f, NotAnImageReason(f))).ToArray();

    /// <summary>
    /// Image files that could not be read to hash them (a dangling link, no permission, an I/O
    /// error), sorted by path, each with the reason; they are left out of <see cref="Examples"/>
    /// and the run goes on without them, as it does for images that do not decode.
    /// </summary>
    public IReadOnlyList<SkippedItem> Unreadable { get; }

    /// <summary>Readable image count per class, in label order.</summary>
    public IReadOnlyList<ClassCount> Summary { get; }

    /// <summary>What unzipping an archive made on a Mac leaves beside its folders: resource forks, not a class.</summary>
    public const string MacArchiveFolder = "__MACOSX";

    /// <summary>Duplicate groups whose copies carry different labels.</summary>
    public IEnumerable<DuplicateGroup> Conflicts => DuplicateGroups.Where(g => g.IsConflict);

    /// <summary>
    /// Lists and hashes the images under <paramref name="root"/>. Hidden files and folders are
    /// ignored (names starting with '.' on Unix, the Hidden attribute on Windows), which drops
    /// .git folders and macOS "._x.jpg" resource forks, and so is the __MACOSX folder that unzipping
    /// a Mac's archive leaves (it is no class). The folder checks run before any file is
    /// read; a file that cannot be read is left out and listed, and only a class left with none fails.
    /// </summary>
    /// <exception cref="DatasetException">The folder is missing, has fewer than two class folders,
    /// or a class folder has no images, or none it can read (an unreadable file alone is listed in
    /// <see cref="Unreadable"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> stopped the hashing (a large folder on a slow disk takes minutes).</exception>
    public static ImageFolderDataset Load(string root, ImageFolderOptions? options = null, CancellationToken cancellationToken = default)
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
            .Where(d => !Path.GetFileName(d).StartsWith('.') && Path.GetFileName(d) != MacArchiveFolder && !new DirectoryInfo(d).Attributes.HasFlag(FileAttributes.Hidden))
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
        if (labels.GroupBy(ClassNames.Normalize, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twins)
        {
            // One name in two Unicode spellings (a folder copied from macOS is NFD): two classes that
            // look the same everywhere they are printed, and a model no folder name maps to unambiguously.
            throw new DatasetException(
                $"'{root}' has class folders {string.Join(" and ", twins.Select(t => $"'{t}'"))}: the same name in two Unicode spellings (NFC and NFD); merge them into one folder");
        }

        var files = new List<(string Path, int Label)>();
        var skipped = new List<string>();
        var empty = new List<(string Label, string[] SetAside)>();
        var enumeration = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };
        for (int c = 0; c < classDirs.Length; c++)
        {
            var all = FilePaths.FilesUnder(classDirs[c], enumeration).Select(Path.GetFullPath).ToArray();
            var found = all.Where(f => extensions.Contains(Path.GetExtension(f))).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            var setAside = all.Where(f => !extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToArray();
            skipped.AddRange(setAside);
            if (found.Length == 0)
            {
                empty.Add((labels[c], setAside));
            }

            foreach (var f in found)
            {
                files.Add((f, c));
            }
        }

        if (empty.Count == 1)
        {
            throw new DatasetException($"class '{empty[0].Label}' in '{root}' has no images{SetAsideNote(empty[0].SetAside)}");
        }

        if (empty.Count > 1)
        {
            // The files of the first such class say why, as for one class.
            var example = empty.FirstOrDefault(e => e.SetAside.Length > 0);
            string why = example.SetAside is null ? "" : $" ('{example.Label}'{SetAsideNote(example.SetAside)})";
            throw new DatasetException($"classes {string.Join(", ", empty.Select(e => $"'{e.Label}'"))} in '{root}' have no images{why}");
        }

        var (hashes, problems) = HashAll(files, options.MaxDegreeOfParallelism, cancellationToken);
        var examples = new List<ImageExample>(files.Count);
        var unreadable = new List<SkippedItem>();
        var readable = new int[labels.Length];
        var unreadablePerClass = new int[labels.Length];
        var firstUnreadable = new SkippedItem?[labels.Length];
        for (int i = 0; i < files.Count; i++)
        {
            if (problems[i] is { } problem)
            {
                var item = new SkippedItem(files[i].Path, problem);
                unreadable.Add(item);
                firstUnreadable[files[i].Label] ??= item;
                unreadablePerClass[files[i].Label]++;
                continue;
            }

            examples.Add(new ImageExample(files[i].Path, labels[files[i].Label], files[i].Label, hashes[i]!));
            readable[files[i].Label]++;
        }

        // A class with files but none readable is as unusable as an empty one.
        for (int c = 0; c < labels.Length; c++)
        {
            if (readable[c] == 0 && firstUnreadable[c] is { } first)
            {
                throw new DatasetException(
                    $"class '{labels[c]}' in '{root}' has no readable images: none of its {unreadablePerClass[c]} file(s) could be read (first: {first.Path}: {first.Reason})");
            }
        }

        var counts = labels.Select((l, c) => new ClassCount(l, readable[c], unreadablePerClass[c])).ToArray();
        skipped.Sort(StringComparer.Ordinal);
        return new ImageFolderDataset(root, labels, examples, FindDuplicates(examples), counts, skipped, unreadable);
    }

    /// <summary>
    /// One line, e.g. "1200 images in 2 classes (with_mask 600, without_mask 600); no duplicates",
    /// whatever the names hold (control characters escaped).
    /// </summary>
    public override string ToString()
    {
        string classes = Reporting.HumanText.Escape(string.Join(", ", Summary.Select(c => $"{c.Label} {c.Count}")));
        int conflicts = DuplicateGroups.Count(g => g.IsConflict);
        string dups = DuplicateGroups.Count == 0
            ? "no duplicates"
            : $"{DuplicateGroups.Count} group(s) of identical files ({DuplicateGroups.Sum(g => g.Examples.Count)} files, {conflicts} with conflicting labels)";
        string others = SkippedFiles.Count == 0 ? ""
            : $"; {SkippedFiles.Count} other file(s) skipped, not an image extension ({Reporting.HumanText.Escape(string.Join(", ", SkippedFiles.Take(3).Select(Path.GetFileName)))}{(SkippedFiles.Count > 3 ? ", ..." : "")})";
        string unreadable = Unreadable.Count == 0 ? ""
            : $"; {Unreadable.Count} unreadable file(s) skipped ({Reporting.HumanText.Escape(string.Join(", ", Unreadable.Take(3).Select(u => Path.GetFileName(u.Path))))}{(Unreadable.Count > 3 ? ", ..." : "")})";
        return $"{Examples.Count} images in {Labels.Count} classes ({classes}); {dups}{others}{unreadable}";
    }

    /// <summary>Why a file of <see cref="SkippedFiles"/> was not taken (<see cref="Imaging.ImageCodec.NotAnImageReason"/>).</summary>
    private static string NotAnImageReason(string path) => Imaging.ImageCodec.NotAnImageReason(path);

    /// <summary>
    /// For the error of a class with no images: how many files of its folder were set aside and
    /// why, with one of them, e.g. ": its 4 files were set aside (e.g. IMG_0001.HEIC: a HEIC/HEIF
    /// photo (an iPhone's), not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG)"; empty
    /// for an empty folder. The example is a file of a format we name when there is
    /// one (by its extension, or its first bytes), else the first.
    /// </summary>
    private static string SetAsideNote(string[] setAside)
    {
        if (setAside.Length == 0)
        {
            return "";
        }

        string example = setAside[0], reason = NotAnImageReason(example);
        foreach (var file in setAside.Take(100))
        {
            var why = Imaging.ImageCodec.NotAnImageReason(file, Head(file));
            if (!why.StartsWith("not an image extension", StringComparison.Ordinal))
            {
                (example, reason) = (file, why);
                break;
            }
        }

        string files = setAside.Length == 1 ? "its 1 file was" : $"its {setAside.Length} files were";
        return $": {files} set aside (e.g. {Reporting.HumanText.Escape(Path.GetFileName(example))}: {reason})";
    }

    /// <summary>The first bytes of a regular file, to know its format; none when it cannot be read (it is only an example's).</summary>
    private static byte[] Head(string path)
    {
        if (FilePaths.WhyNotRegularFile(path) is not null)
        {
            return [];
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var head = new byte[64];
            return head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
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

    /// <summary>SHA-256 of every file, or (hash null) why it could not be read.</summary>
    private static (string?[] Hashes, string?[] Problems) HashAll(List<(string Path, int Label)> files, int parallelism, CancellationToken cancellationToken)
    {
        var hashes = new string?[files.Count];
        var problems = new string?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, i =>
        {
            // Not opened: a named pipe would hang the walk until something writes to it, a device never ends.
            if (FilePaths.WhyNotRegularFile(files[i].Path) is { } special)
            {
                problems[i] = special;
                return;
            }

            try
            {
                using var stream = new FileStream(files[i].Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                hashes[i] = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems[i] = ReadProblem(files[i].Path, ex);
            }
        });

        return (hashes, problems);
    }

    /// <summary>
    /// Why a file could not be read, without its path (the listing names it), in the image
    /// decoder's words (<see cref="Imaging.ImageCodec.Read"/>) so both steps' skips read alike.
    /// </summary>
    private static string ReadProblem(string path, Exception e)
    {
        switch (e)
        {
            case FileNotFoundException or DirectoryNotFoundException:
                // Listed by the folder walk yet missing: almost always a link whose target is gone.
                string? target = null;
                try
                {
                    target = new FileInfo(path).LinkTarget;
                }
                catch (IOException)
                {
                }

                return target is null ? "file not found" : $"a link to '{target}', which does not exist";
            case UnauthorizedAccessException:
                return Directory.Exists(path) ? "is a folder, not a file" : "access denied";
            default:
                return CannotRead(path, e);
        }
    }

    /// <summary>
    /// "cannot read the file: &lt;why&gt;" for an I/O failure on <paramref name="path"/>, to follow
    /// the path in a listing or an error. .NET words a Unix errno as "&lt;strerror&gt; : '&lt;full
    /// path&gt;'"; the path is said already, so it is cut off (naming the file "it" read as
    /// "… symbolic links : it"). A link loop gets a hint: the system's words do not say "loop".
    /// </summary>
    internal static string CannotRead(string path, Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string why = e.Message.Trim();
        foreach (var named in new[] { path, Path.GetFullPath(path) })
        {
            string quoted = $"'{named}'";
            if (why.EndsWith(quoted, StringComparison.Ordinal))
            {
                why = why[..^quoted.Length].TrimEnd().TrimEnd(':', ',').TrimEnd();
            }

            why = why.Replace(quoted, "it", StringComparison.Ordinal);
        }

        why = why.TrimEnd('.');
        if (why.Length == 0)
        {
            return "cannot read the file";
        }

        // "Too many levels …" reads mid-sentence as "too many levels …"; "I/O error" keeps its capitals.
        if (why.Length > 1 && char.IsUpper(why[0]) && char.IsLower(why[1]))
        {
            why = char.ToLowerInvariant(why[0]) + why[1..];
        }

        if (why.Contains("too many levels of symbolic links", StringComparison.OrdinalIgnoreCase))
        {
            why += " (a link loop?)";
        }

        return $"cannot read the file: {why}";
    }
}
