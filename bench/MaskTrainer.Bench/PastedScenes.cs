using MaskTrainer.Data;
using MaskTrainer.OpenCv;

namespace MaskTrainer.Bench;

/// <summary>
/// The framing-robustness scenes of the training issue: each image pasted, at a random place
/// and scale (30–70% of the background's shorter side), onto a random faces-dlib photo
/// (dogs.jpg excluded). Seeded, so every benchmark that uses it sees the same scenes.
/// </summary>
internal sealed class PastedScenes : IDisposable
{
    private readonly Mat[] _backgrounds;
    private readonly Random _random;

    public PastedScenes(string backgroundDir, int seed)
    {
        var files = Directory.GetFiles(backgroundDir, "*.jpg")
            .Where(f => !f.EndsWith("dogs.jpg", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        _backgrounds = files.Select(f => Cv2.ImRead(f)).ToArray();
        _random = new Random(seed);
    }

    /// <summary>A new scene (caller disposes) and where the image was pasted.</summary>
    public (Mat Scene, Rect Pasted) Next(Mat face)
    {
        var bg = _backgrounds[_random.Next(_backgrounds.Length)];
        var canvas = bg.Clone();
        double fraction = 0.3 + _random.NextDouble() * 0.4;
        double scale = fraction * Math.Min(canvas.Cols, canvas.Rows) / Math.Max(face.Cols, face.Rows);
        var size = new Size(Math.Max(8, (int)(face.Cols * scale)), Math.Max(8, (int)(face.Rows * scale)));
        using var small = Cv2.Resize(face, size, Interpolation.Area);
        int x = _random.Next(0, canvas.Cols - size.Width + 1);
        int y = _random.Next(0, canvas.Rows - size.Height + 1);
        Paste(small, canvas, x, y);
        return (canvas, new Rect(x, y, size.Width, size.Height));
    }

    /// <summary>Writes each example pasted onto a background, in class folders under <paramref name="output"/>.</summary>
    public string WriteFolder(IReadOnlyList<ImageExample> examples, string output)
    {
        foreach (var e in examples)
        {
            using var face = Cv2.ImRead(e.Path);
            var (scene, _) = Next(face);
            using (scene)
            {
                var dir = Path.Combine(output, e.Label);
                Directory.CreateDirectory(dir);
                Cv2.ImWrite(Path.Combine(dir, Path.GetFileNameWithoutExtension(e.Path) + ".jpg"), scene);
            }
        }

        return output;
    }

    public void Dispose()
    {
        foreach (var b in _backgrounds)
        {
            b.Dispose();
        }
    }

    private static void Paste(Mat src, Mat dst, int x, int y)
    {
        var s = src.GetBytes();
        var d = dst.GetBytes();
        int rowBytes = src.Cols * 3;
        for (int r = 0; r < src.Rows; r++)
        {
            s.Slice(r * rowBytes, rowBytes).CopyTo(d.Slice(((y + r) * dst.Cols + x) * 3, rowBytes));
        }
    }
}
