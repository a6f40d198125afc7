using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>Box arithmetic shared by the detectors and their evaluation.</summary>
public static class FaceBoxes
{
    /// <summary>Intersection over union of two boxes, 0 when either is empty.</summary>
    public static float IoU(Rect a, Rect b)
    {
        var inter = a.Intersect(b);
        if (inter.IsEmpty || a.IsEmpty || b.IsEmpty)
        {
            return 0f;
        }

        long i = (long)inter.Width * inter.Height;
        long u = (long)a.Width * a.Height + (long)b.Width * b.Height - i;
        return u > 0 ? (float)((double)i / u) : 0f;
    }

    /// <summary><paramref name="box"/> moved by (<paramref name="dx"/>, <paramref name="dy"/>).</summary>
    public static Rect Offset(Rect box, int dx, int dy) => new(box.X + dx, box.Y + dy, box.Width, box.Height);
}
