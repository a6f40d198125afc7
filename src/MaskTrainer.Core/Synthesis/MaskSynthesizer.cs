using System.Diagnostics;
using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Faces;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using MaskTrainer.Reporting;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// Makes face-mask training pairs from photos of bare faces, the technique behind the
/// prajnasb and MaskTheFace datasets: for every face found, a crop of the bare face goes to
/// without_mask/ and the same crop with a drawn mask to with_mask/, under the same file name.
/// Masks are placed from the detector's landmarks (eyes, nose, mouth, ears); faces that are
/// too small, too turned or cut by the border are skipped and counted. Deterministic for a
/// given seed, file set and detector.
/// </summary>
public sealed class MaskSynthesizer : IDisposable
{
    /// <summary>Class folder of the bare-face crops.</summary>
    public const string WithoutMaskFolder = "without_mask";

    /// <summary>Class folder of the masked crops.</summary>
    public const string WithMaskFolder = "with_mask";

    /// <summary>File name of the contact sheet in the output folder.</summary>
    public const string ContactSheetFileName = "contact-sheet.png";

    /// <summary>Image extensions read from the faces folder (as the training data loader).</summary>
    public static readonly IReadOnlyCollection<string> Extensions = ImageFolderOptions.Default.Extensions;

    /// <summary>Catalog id of the detector <see cref="Create"/> uses for landmarks when the face detector has none.</summary>
    public const string DefaultLandmarkDetectorId = "blazeface";

    private readonly IFaceDetector detector;
    private readonly IFaceDetector? landmarker;
    private readonly bool ownsDetectors;

    /// <summary>Creates a synthesizer.</summary>
    /// <param name="detector">Finds the faces; its landmarks are used when it has them (BlazeFace).</param>
    /// <param name="options">Options; default <c>new MaskSynthesisOptions()</c>.</param>
    /// <param name="landmarker">
    /// For detectors without landmarks (res10, Haar): a landmark-giving detector run on a crop
    /// around each face (BlazeFace works best on a face that fills its input). Null = faces
    /// without landmarks are skipped as <see cref="SkipReason.NoLandmarks"/>.
    /// </param>
    public MaskSynthesizer(IFaceDetector detector, MaskSynthesisOptions? options = null, IFaceDetector? landmarker = null)
        : this(detector, options, landmarker, ownsDetectors: false)
    {
    }

    private MaskSynthesizer(IFaceDetector detector, MaskSynthesisOptions? options, IFaceDetector? landmarker, bool ownsDetectors)
    {
        this.ownsDetectors = ownsDetectors;
        this.detector = detector ?? throw new ArgumentNullException(nameof(detector));
        this.landmarker = landmarker;
        Options = options ?? new MaskSynthesisOptions();
        if (Options.MasksPerFace < 1 || Options.JpegQuality is < 1 or > 100 || Options.MaxOutputSize < 0 || Options.DetectionPadding < 0)
        {
            throw new ArgumentException("MasksPerFace must be at least 1, JpegQuality 1..100, MaxOutputSize and DetectionPadding not negative", nameof(options));
        }

        if (Options.Styles.Count == 0)
        {
            throw new ArgumentException("at least one mask style is needed", nameof(options));
        }
    }

    /// <summary>The options in use.</summary>
    public MaskSynthesisOptions Options { get; }

    /// <summary>
    /// A synthesizer over catalog detectors fetched through <paramref name="store"/>, which it
    /// owns and disposes: <paramref name="detectorId"/> finds the faces; when its detections
    /// carry no landmarks, <paramref name="landmarkDetectorId"/> (null = none) is run on a crop
    /// around each face to get them. <paramref name="onFallback"/> is told when a detector cannot
    /// run as asked (the default cascade without res10) and another one finds the faces instead,
    /// as training is told (<see cref="FaceDetectorOptions.OnFallback"/>); null = not told.
    /// </summary>
    public static MaskSynthesizer Create(ModelStore store, MaskSynthesisOptions? options = null, string? detectorId = null, string? landmarkDetectorId = DefaultLandmarkDetectorId,
        Action<string>? onFallback = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        detectorId ??= FaceDetectors.DefaultId;
        var detectorOptions = new FaceDetectorOptions { OnFallback = onFallback };
        var detector = FaceDetectors.Create(detectorId, store, detectorOptions);
        IFaceDetector? landmarker = null;
        try
        {
            if (landmarkDetectorId is not null && landmarkDetectorId != detectorId)
            {
                landmarker = FaceDetectors.Create(landmarkDetectorId, store, detectorOptions);
            }

            return new MaskSynthesizer(detector, options, landmarker ?? (landmarkDetectorId is null ? null : detector), ownsDetectors: true);
        }
        catch
        {
            landmarker?.Dispose();
            detector.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the detectors when this synthesizer was made by <see cref="Create"/>.</summary>
    public void Dispose()
    {
        if (ownsDetectors)
        {
            if (landmarker is not null && !ReferenceEquals(landmarker, detector))
            {
                landmarker.Dispose();
            }

            detector.Dispose();
        }
    }

    /// <summary>
    /// Finds the faces of <paramref name="image"/> (8-bit BGR) and returns, per face, its crops
    /// or why it was skipped, in detector order. <paramref name="sourceKey"/> (e.g. the file's
    /// relative path) seeds the masks, so the same photo always gets the same masks. Dispose the results.
    /// </summary>
    public IReadOnlyList<SynthesizedFace> Synthesize(Mat image, string sourceKey)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(sourceKey);
        var bounds = new Rect(0, 0, image.Cols, image.Rows);
        var faces = Detect(image);
        var results = new List<SynthesizedFace>(faces.Count);
        try
        {
            for (int i = 0; i < faces.Count; i++)
            {
                var (box, score, landmarks) = faces[i];
                var rng = new Random(FaceSeed(Options.Seed, sourceKey, i));
                var appearances = new MaskAppearance[Options.MasksPerFace];
                for (int k = 0; k < appearances.Length; k++)
                {
                    appearances[k] = MaskAppearance.Random(rng, Options.Styles);
                }

                var geometry = landmarks is null ? null : MaskGeometry.Place(landmarks, appearances[0]);
                var skip = FaceScreening.Check(box, landmarks, bounds, Options.Screening, geometry);
                if (skip is not null)
                {
                    results.Add(new SynthesizedFace(box, score, landmarks, skip, null, [], []));
                    continue;
                }

                results.Add(Render(image, Jitter(box, rng), box, score, landmarks!, appearances));
            }

            return results;
        }
        catch
        {
            foreach (var r in results)
            {
                r.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Runs <see cref="Synthesize"/> over every image under <paramref name="facesDirectory"/>
    /// (recursively, sorted) and writes the pairs and a contact sheet under
    /// <paramref name="outputDirectory"/>. Throws <see cref="DirectoryNotFoundException"/> for a
    /// missing folder and <see cref="DatasetException"/> for a folder without images.
    /// Unreadable files are listed in the report, not fatal.
    /// </summary>
    public MaskSynthesisReport Run(string facesDirectory, string outputDirectory, IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(facesDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var clock = Stopwatch.StartNew();
        string input = Path.GetFullPath(facesDirectory);
        string output = Path.GetFullPath(outputDirectory);
        var (files, setAside) = ListFiles(input, output);
        if (files.Count == 0)
        {
            throw new DatasetException($"faces folder '{facesDirectory}' holds no images ({string.Join(" ", Extensions)})");
        }

        string withoutDir = Path.Combine(output, WithoutMaskFolder);
        string withDir = Path.Combine(output, WithMaskFolder);
        Directory.CreateDirectory(withoutDir);
        Directory.CreateDirectory(withDir);
        // Files already there stay (they are the user's); those this run does not write again are
        // reported, since training on the folder would mix them with this run's pairs.
        var imageExtensions = new HashSet<string>(Extensions, StringComparer.OrdinalIgnoreCase);
        var before = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(withoutDir).Concat(Directory.EnumerateFiles(withDir)))
        {
            if (imageExtensions.Contains(Path.GetExtension(file)))
            {
                before.Add(file);
            }
        }

        var skipped = Enum.GetValues<SkipReason>().ToDictionary(r => r, _ => 0);
        var styles = Enum.GetValues<MaskStyle>().ToDictionary(s => s, _ => 0);
        var unreadable = new List<SkippedItem>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sheet = new SheetSample(Options.ContactSheet.MaxPairs, Options.ContactSheet.TileSize, Options.Seed);
        int noFaces = 0, found = 0, pairs = 0, masked = 0, userNamesKept = 0;
        try
        {
            for (int f = 0; f < files.Count; f++)
            {
                ct.ThrowIfCancellationRequested();
                string relative = Path.GetRelativePath(input, files[f]).Replace('\\', '/');
                Mat image;
                try
                {
                    image = ImageCodec.Read(files[f]);
                }
                catch (ImageDecodeException e)
                {
                    unreadable.Add(new SkippedItem(files[f], e.Reason)); // the path is the item's; the message says it again
                    progress?.Report((f + 1, files.Count));
                    continue;
                }

                using (image)
                {
                    var faces = Synthesize(image, relative);
                    try
                    {
                        found += faces.Count;
                        noFaces += faces.Count == 0 ? 1 : 0;
                        for (int i = 0; i < faces.Count; i++)
                        {
                            var face = faces[i];
                            if (face.Skipped is { } reason)
                            {
                                skipped[reason]++;
                                continue;
                            }

                            string name = UniqueName(names, relative, i, n => IsFree(withoutDir, withDir, n, face.Masked.Count), ref userNamesKept);
                            WriteJpeg(Path.Combine(withoutDir, name), face.Without!);
                            before.Remove(Path.Combine(withoutDir, name));
                            for (int k = 0; k < face.Masked.Count; k++)
                            {
                                string maskedName = MaskedName(name, k, face.Masked.Count);
                                WriteJpeg(Path.Combine(withDir, maskedName), face.Masked[k]);
                                before.Remove(Path.Combine(withDir, maskedName));
                                styles[face.Appearances[k].Style]++;
                                masked++;
                            }

                            sheet.Offer(face.Without!, face.Masked[0]);
                            pairs++;
                        }
                    }
                    finally
                    {
                        foreach (var face in faces)
                        {
                            face.Dispose();
                        }
                    }
                }

                progress?.Report((f + 1, files.Count));
            }

            string? sheetPath = null;
            if (sheet.Count > 0)
            {
                sheetPath = Path.Combine(output, ContactSheetFileName);
                using var picture = sheet.Build($"synth-masks: {Plural.Of(pairs, "pair")} from {Plural.Of(files.Count, "image")}, seed {Options.Seed} - sample of {sheet.Count}", Options.ContactSheet);
                ImageCodec.Write(sheetPath, picture);
            }

            return new MaskSynthesisReport
            {
                Images = files.Count,
                Unreadable = unreadable,
                NotImages = setAside.Select(f => new SkippedItem(f, ImageCodec.NotAnImageReason(f))).ToArray(),
                ImagesWithoutFaces = noFaces,
                FacesFound = found,
                Pairs = pairs,
                MaskedImages = masked,
                Skipped = skipped,
                Styles = styles,
                ContactSheetPath = sheetPath,
                EarlierFiles = before.Order(StringComparer.Ordinal).ToArray(),
                // Said beside the counts of this run: two folders of very different sizes are what training would read.
                WithMaskImages = masked + before.Count(f => Path.GetDirectoryName(f) == withDir),
                WithoutMaskImages = pairs + before.Count(f => Path.GetDirectoryName(f) == withoutDir),
                UserFilesKept = userNamesKept,
                Elapsed = clock.Elapsed,
            };
        }
        finally
        {
            sheet.Dispose();
        }
    }

    /// <summary>Images under <paramref name="root"/>, recursively, ordinal order; hidden entries and anything under <paramref name="exclude"/> left out.</summary>
    public static IReadOnlyList<string> ListImages(string root, string? exclude = null) => ListFiles(root, exclude).Images;

    /// <summary>As <see cref="ListImages"/>, and the other files found, set aside by their extension (sorted too).</summary>
    private static (List<string> Images, List<string> SetAside) ListFiles(string root, string? exclude)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"faces folder '{root}' does not exist");
        }

        var extensions = new HashSet<string>(Extensions, StringComparer.OrdinalIgnoreCase);
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        // The output folder may sit inside the faces folder: its pairs are not faces to mask again.
        string? skip = exclude is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(exclude)) + Path.DirectorySeparatorChar;
        var files = new List<string>();
        var setAside = new List<string>();
        foreach (var file in Data.FilePaths.FilesUnder(root, options))
        {
            if (skip is not null && file.StartsWith(skip, StringComparison.Ordinal))
            {
                continue;
            }

            (extensions.Contains(Path.GetExtension(file)) ? files : setAside).Add(file);
        }

        files.Sort(StringComparer.Ordinal);
        setAside.Sort(StringComparer.Ordinal);
        return (files, setAside);
    }

    /// <summary>Seed of one face's generator: stable across runs and platforms (string.GetHashCode is not).</summary>
    internal static int FaceSeed(int seed, string sourceKey, int faceIndex)
    {
        unchecked
        {
            uint h = 2166136261u ^ (uint)seed;
            foreach (char c in sourceKey)
            {
                h = (h ^ c) * 16777619u;
            }

            h = (h ^ (uint)faceIndex) * 16777619u;
            h ^= h >> 15;
            h *= 0x2C1B3C6Du;
            h ^= h >> 12;
            return (int)(h & 0x7FFFFFFF);
        }
    }

    // Searched as training searches (PaddedSearch: a large photo shrunk, then padded); the boxes
    // and landmarks come back in the photo's own pixels, where the masks are drawn.
    private List<(Rect Box, float Score, FaceLandmarks? Landmarks)> Detect(Mat image)
    {
        using var search = PaddedSearch.For(image, Options.DetectionPadding);
        var detections = detector.Detect(search.Image, Options.MinConfidence);
        var faces = new List<(Rect, float, FaceLandmarks?)>(detections.Count);
        foreach (var d in detections)
        {
            var found = d.Landmarks is { Count: >= FaceLandmarks.PointCount }
                ? FaceLandmarks.FromPoints(d.Landmarks)
                : landmarker is null ? null : FindLandmarks(search.Image, d.Box);
            var landmarks = found is null ? null : FaceLandmarks.FromPoints(Array.ConvertAll(found.ToArray(), search.ToPhoto));
            faces.Add((search.ToPhoto(d.Box), d.Score, landmarks));
        }

        return faces;
    }

    /// <summary>Runs the landmark detector on a square crop around <paramref name="box"/> and keeps the face nearest its centre.</summary>
    private FaceLandmarks? FindLandmarks(Mat image, Rect box)
    {
        var around = new FaceCropOptions { Margin = 0.3f, Square = true };
        var region = FaceCropper.Region(box, around);
        using var crop = FaceCropper.Crop(image, box, around);
        DetectedFace? best = null;
        double bestDistance = double.MaxValue;
        foreach (var d in landmarker!.Detect(crop, null))
        {
            if (d.Landmarks is not { Count: >= FaceLandmarks.PointCount })
            {
                continue;
            }

            double dx = d.Box.X + (d.Box.Width / 2.0) - (crop.Cols / 2.0);
            double dy = d.Box.Y + (d.Box.Height / 2.0) - (crop.Rows / 2.0);
            double distance = (dx * dx) + (dy * dy);
            if (distance < bestDistance)
            {
                best = d;
                bestDistance = distance;
            }
        }

        // A face whose centre is off by more than a third of the crop is a neighbour, not this one.
        return best is null || Math.Sqrt(bestDistance) > crop.Cols / 3.0
            ? null
            : FaceLandmarks.FromPoints(best.Landmarks!).Offset(region.X, region.Y);
    }

    /// <summary>The face box moved and scaled for this pair's framing (see <see cref="MaskSynthesisOptions.FramingJitter"/>).</summary>
    private Rect Jitter(Rect box, Random rng)
    {
        double j = Math.Clamp(Options.FramingJitter, 0, 1);
        double scale = 1 + (j * ((rng.NextDouble() * 0.4) - 0.3));
        double dy = j * rng.NextDouble() * 0.12 * box.Height;
        double dx = j * ((rng.NextDouble() * 0.08) - 0.04) * box.Width;
        double w = box.Width * scale;
        double h = box.Height * scale;
        double cx = box.X + (box.Width / 2.0) + dx;
        double cy = box.Y + (box.Height / 2.0) + dy;
        return new Rect((int)Math.Round(cx - (w / 2)), (int)Math.Round(cy - (h / 2)), Math.Max(1, (int)Math.Round(w)), Math.Max(1, (int)Math.Round(h)));
    }

    private SynthesizedFace Render(Mat image, Rect frame, Rect box, float score, FaceLandmarks landmarks, MaskAppearance[] appearances)
    {
        var region = FaceCropper.Region(frame, Options.Crop);
        var local = landmarks.Offset(-region.X, -region.Y);
        using var bare = FaceCropper.Crop(image, frame, Options.Crop);
        var masked = new List<Mat>(appearances.Length);
        Mat? without = null;
        try
        {
            foreach (var appearance in appearances)
            {
                using var copy = bare.Clone();
                MaskRenderer.Render(copy, local, appearance);
                masked.Add(Shrink(copy));
            }

            without = Shrink(bare);
            return new SynthesizedFace(box, score, landmarks, null, without, masked, appearances);
        }
        catch
        {
            without?.Dispose();
            foreach (var m in masked)
            {
                m.Dispose();
            }

            throw;
        }
    }

    private Mat Shrink(Mat crop)
    {
        int side = Math.Max(crop.Cols, crop.Rows);
        if (Options.MaxOutputSize == 0 || side <= Options.MaxOutputSize)
        {
            return crop.Clone();
        }

        double f = (double)Options.MaxOutputSize / side;
        var size = new Size(Math.Max(1, (int)Math.Round(crop.Cols * f)), Math.Max(1, (int)Math.Round(crop.Rows * f)));
        return crop.Resize(size, interpolation: InterpolationFlags.Area);
    }

    /// <summary>
    /// The JPEG comment every file this synthesizer writes carries, so that a later run tells its
    /// own earlier output (written again under the same name) from the user's files (never replaced).
    /// </summary>
    private static ReadOnlySpan<byte> Mark => "MaskTrainer synth-masks"u8;

    private void WriteJpeg(string path, Mat image)
    {
        byte[] bytes = ImageCodec.Encode(".jpg", image, Options.JpegQuality);
        // A COM segment (FF FE, its big-endian length counting itself, the text) after SOI and the
        // JFIF APP0 segment, which readers expect first.
        int at = 2;
        if (bytes.Length > 6 && bytes[2] == 0xFF && bytes[3] == 0xE0)
        {
            at = 4 + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4));
        }

        var marked = new byte[bytes.Length + 4 + Mark.Length];
        bytes.AsSpan(0, at).CopyTo(marked);
        marked[at] = 0xFF;
        marked[at + 1] = 0xFE;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(marked.AsSpan(at + 2), (ushort)(2 + Mark.Length));
        Mark.CopyTo(marked.AsSpan(at + 4));
        bytes.AsSpan(at).CopyTo(marked.AsSpan(at + 4 + Mark.Length));
        AtomicFile.Write(path, stream => stream.Write(marked));
    }

    /// <summary>Whether <paramref name="path"/> is a file a synth-masks run wrote: its first segments (APPn, COM) hold the <see cref="Mark"/> comment.</summary>
    internal static bool IsOwnOutput(string path)
    {
        Span<byte> head = stackalloc byte[512];
        int length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        head = head[..length];
        if (head.Length < 4 || head[0] != 0xFF || head[1] != 0xD8)
        {
            return false;
        }

        for (int at = 2; at + 4 <= head.Length && head[at] == 0xFF && (head[at + 1] == 0xFE || head[at + 1] is >= 0xE0 and <= 0xEF);)
        {
            int size = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(head[(at + 2)..]);
            if (head[at + 1] == 0xFE && size == 2 + Mark.Length && at + 4 + Mark.Length <= head.Length)
            {
                return head.Slice(at + 4, Mark.Length).SequenceEqual(Mark);
            }

            at += 2 + size;
        }

        return false;
    }

    /// <summary>Whether a pair named <paramref name="name"/> may be written: no file of the user's has one of its names (this tool's own output is written again).</summary>
    private static bool IsFree(string withoutDir, string withDir, string name, int masks)
    {
        if (!Free(Path.Combine(withoutDir, name)))
        {
            return false;
        }

        for (int k = 0; k < masks; k++)
        {
            if (!Free(Path.Combine(withDir, MaskedName(name, k, masks))))
            {
                return false;
            }
        }

        return true;

        static bool Free(string path) => !Path.Exists(path) || (File.Exists(path) && IsOwnOutput(path));
    }

    private static string MaskedName(string name, int k, int masks) =>
        masks == 1 ? name : Path.GetFileNameWithoutExtension(name) + $"_m{k + 1}.jpg";

    /// <summary>
    /// Output file name: the relative path flattened, plus the face index, unique within the run
    /// and taken by none of the user's files (<paramref name="free"/>); a name passed over for a
    /// user's file is counted in <paramref name="userNamesKept"/>.
    /// </summary>
    private static string UniqueName(HashSet<string> taken, string relative, int faceIndex, Func<string, bool> free, ref int userNamesKept)
    {
        string stem = Path.ChangeExtension(relative, null).Replace('/', '_').Replace(' ', '_');
        string name = $"{stem}_f{faceIndex}.jpg";
        bool passedOver = false;
        for (int n = 2; taken.Contains(name) || !free(name); n++)
        {
            passedOver |= !taken.Contains(name);
            name = $"{stem}_f{faceIndex}_{n}.jpg";
        }

        taken.Add(name);
        userNamesKept += passedOver ? 1 : 0;
        return name;
    }
}
