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

    /// <summary>The centre pixel of <paramref name="box"/> (rounded down): where the merge rules ask whether another box stands for it.</summary>
    public static Point Centre(Rect box) => new(box.X + box.Width / 2, box.Y + box.Height / 2);

    /// <summary>
    /// Whether <paramref name="kept"/> stands for <paramref name="box"/> by the centre rule: it holds
    /// the box's centre, and the box is at least <paramref name="minWidthRatio"/> of its width (a part
    /// of the face, or a second box on it; a much narrower box is a face further away). 0 = any width.
    /// </summary>
    public static bool HoldsAsPart(Rect kept, Rect box, float minWidthRatio) =>
        kept.Contains(Centre(box)) && box.Width >= minWidthRatio * kept.Width;

    /// <summary><paramref name="box"/> moved by (<paramref name="dx"/>, <paramref name="dy"/>).</summary>
    public static Rect Offset(Rect box, int dx, int dy) => new(box.X + dx, box.Y + dy, box.Width, box.Height);
}
