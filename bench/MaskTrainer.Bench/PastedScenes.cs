using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// The framing-robustness scenes of the training issue: each image pasted, at a random place
/// and scale (30–70% of the background's shorter side), onto a random faces-dlib photo
/// (dogs.jpg excluded). Seeded, so every benchmark that uses it sees the same scenes.
/// <para>Two kinds of background: <see cref="BackgroundKind.People"/> uses the photos as they
/// are, so the pasted face competes with real faces (one background is a close-up portrait,
/// another a collage of 30 faces: which face the image "is about" becomes ambiguous);
/// <see cref="BackgroundKind.FacesPixelated"/> uses the nine photos whose faces are all
/// labelled, with every labelled face (grown by 30%) pixelated to 3x3 blocks, as
/// privacy-blurred street photos are, so the pasted face is the only face and the test
/// measures framing alone. <see cref="BackgroundKind.GroupPhotos"/> keeps those nine photos'
/// faces: the pasted face then has people behind it.</para>
/// </summary>
internal sealed class PastedScenes : IDisposable
{
    private readonly Mat[] _backgrounds;
    private readonly string[] _files;
    private readonly int _seed;
    private Random _random;

    /// <param name="facesDlib">The faces-dlib folder (images/ and annotations/boxes.csv).</param>
    public PastedScenes(string facesDlib, int seed, BackgroundKind kind = BackgroundKind.People)
    {
        var labels = LabelledFace.LoadCsv(Path.Combine(facesDlib, "annotations", "boxes.csv"));
        var files = Directory.GetFiles(Path.Combine(facesDlib, "images"), "*.jpg")
            .Where(f => !f.EndsWith("dogs.jpg", StringComparison.Ordinal))
            .Where(f => kind == BackgroundKind.People || labels.ContainsKey(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal).ToArray();
        _files = files;
        _backgrounds = files.Select(f =>
        {
            var image = ImageCodec.Read(f);
            if (kind == BackgroundKind.FacesPixelated)
            {
                foreach (var face in labels[Path.GetFileName(f)])
                {
                    Pixelate(image, face.Box);
                }
            }

            return image;
        }).ToArray();
        _seed = seed;
        _random = new Random(seed);
    }

    public int Count => _backgrounds.Length;

    /// <summary>The background photos' file names, in the order <see cref="Background"/> numbers them.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Background <paramref name="index"/> as loaded (pixelated for <see cref="BackgroundKind.FacesPixelated"/>); owned by the scenes.</summary>
    public Mat Background(int index) => _backgrounds[index];

    /// <summary>Starts the scenes again from the seed: the same backgrounds, places and scales as from new.</summary>
    public void Restart() => _random = new Random(_seed);

    /// <summary>Which background the last scene was pasted on.</summary>
    public int LastBackground { get; private set; }

    /// <summary>A new scene (caller disposes) and where the image was pasted.</summary>
    public (Mat Scene, Rect Pasted) Next(Mat face)
    {
        LastBackground = _random.Next(_backgrounds.Length);
        var bg = _backgrounds[LastBackground];
        double fraction = 0.3 + _random.NextDouble() * 0.4;
        double scale = fraction * Math.Min(bg.Cols, bg.Rows) / Math.Max(face.Cols, face.Rows);
        return PasteOn(bg, face, scale);
    }

    /// <summary>
    /// A new scene (caller disposes): the image scaled by <paramref name="scale"/> (area filter)
    /// at a random place on a random background; where it was pasted.
    /// </summary>
    public (Mat Scene, Rect Pasted) Next(Mat face, double scale)
    {
        LastBackground = _random.Next(_backgrounds.Length);
        return PasteOn(_backgrounds[LastBackground], face, scale);
    }

    private (Mat Scene, Rect Pasted) PasteOn(Mat bg, Mat face, double scale)
    {
        var canvas = bg.Clone();
        var size = new Size(Math.Min(canvas.Cols, Math.Max(8, (int)(face.Cols * scale))), Math.Min(canvas.Rows, Math.Max(8, (int)(face.Rows * scale))));
        using var small = BenchCv.Resized(face, size, InterpolationFlags.Area);
        int x = _random.Next(0, canvas.Cols - size.Width + 1);
        int y = _random.Next(0, canvas.Rows - size.Height + 1);
        Paste(small, canvas, x, y);
        return (canvas, new Rect(x, y, size.Width, size.Height));
    }

    /// <summary>
    /// Writes each example pasted onto a background, in class folders under <paramref name="output"/>;
    /// returns where each written file's image was pasted.
    /// </summary>
    public Dictionary<string, Rect> WriteFolder(IReadOnlyList<ImageExample> examples, string output)
    {
        var pasted = new Dictionary<string, Rect>(StringComparer.Ordinal);
        foreach (var e in examples)
        {
            using var face = ImageCodec.Read(e.Path);
            var (scene, rect) = Next(face);
            using (scene)
            {
                var dir = Path.Combine(output, e.Label);
                Directory.CreateDirectory(dir);
                var path = Path.Combine(dir, Path.GetFileNameWithoutExtension(e.Path) + ".jpg");
                ImageCodec.Write(path, scene);
                pasted[path] = rect;
            }
        }

        return pasted;
    }

    /// <summary>
    /// Whether a face box lies on the pasted image: its centre falls inside it. One test for every
    /// benchmark, so "the crop was on the pasted face" means the same everywhere.
    /// </summary>
    public static bool OnPasted(Rect box, Rect pasted) =>
        pasted.Intersect(new Rect(box.X + box.Width / 2, box.Y + box.Height / 2, 1, 1)).Area > 0;

    public void Dispose()
    {
        foreach (var b in _backgrounds)
        {
            b.Dispose();
        }
    }

    private static void Pixelate(Mat image, Rect face)
    {
        int gx = face.Width * 3 / 10, gy = face.Height * 3 / 10;
        var r = Rect.FromLTRB(face.X - gx, face.Y - gy, face.Right + gx, face.Bottom + gy).Intersect(new Rect(0, 0, image.Cols, image.Rows));
        using var region = image.Clone(r);
        using var blocks = BenchCv.Resized(region, new Size(3, 3), InterpolationFlags.Area);
        using var back = BenchCv.Resized(blocks, r.Size, InterpolationFlags.Nearest);
        Paste(back, image, r.X, r.Y);
    }

    private static void Paste(Mat src, Mat dst, int x, int y)
    {
        var s = src.GetBytes();
        var d = dst.GetBytes();
        int rowBytes = src.Cols * 3, rows = src.Rows, dstCols = dst.Cols;
        for (int r = 0; r < rows; r++)
        {
            s.Slice(r * rowBytes, rowBytes).CopyTo(d.Slice(((y + r) * dstCols + x) * 3, rowBytes));
        }
    }
}

/// <summary>Which backgrounds <see cref="PastedScenes"/> pastes onto.</summary>
internal enum BackgroundKind
{
    /// <summary>faces-dlib photos as they are, people and all.</summary>
    People,

    /// <summary>The labelled faces-dlib photos with every face pixelated.</summary>
    FacesPixelated,

    /// <summary>
    /// The nine labelled faces-dlib photos as they are: group and street scenes whose people
    /// stand behind the pasted face (their faces are 20–60 px), without the close-up portrait
    /// and the 30-face collage of <see cref="People"/>.
    /// </summary>
    GroupPhotos,
}
