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
    /// the box's centre, and that centre lies on the face itself (<see cref="OnFace"/>) or the box is
    /// at least <paramref name="minWidthRatio"/> of its width. A box centred on a face is a part of it
    /// or a second box on it, whatever its width: a face there would be behind the kept one, hidden by
    /// it (a printed face, or one pasted over it, is no face a camera sees). Only in the box's corners,
    /// beside the face, is a much narrower box a face further away (over a shoulder). 0 = any width.
    /// </summary>
    public static bool HoldsAsPart(Rect kept, Rect box, float minWidthRatio)
    {
        var centre = Centre(box);
        return kept.Contains(centre) && (box.Width >= minWidthRatio * kept.Width || OnFace(kept, centre));
    }

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> are one face by the centre rule, whichever
    /// holds the other (<see cref="HoldsAsPart"/>): the later of two boxes may be the larger one, e.g.
    /// BlazeFace's box round a whole masked face after UltraFace's on its eyes.
    /// </summary>
    public static bool SameFace(Rect a, Rect b, float minWidthRatio) =>
        HoldsAsPart(a, b, minWidthRatio) || HoldsAsPart(b, a, minWidthRatio);

    /// <summary>
    /// How far from a box's middle, as a fraction of its width or height, a narrower box's centre lies
    /// when it boxes a part of the face (<see cref="Frames"/>). Measured on the mask-sample close-ups with
    /// two boxes on one face: a box on the eyes or on one half lay 0.25-0.41 of the wider box off its
    /// middle; a small face boxed tightly by UltraFace and loosely (2.5x as wide) by BlazeFace-back, 0.09.
    /// </summary>
    public const double PartOffCentre = 0.2;

    /// <summary>
    /// Whether <paramref name="whole"/> frames the face <paramref name="part"/> is a part of: it is wider,
    /// and the part's centre lies on its face (<see cref="OnFace"/>) but off its middle, by at least
    /// <see cref="PartOffCentre"/> of its width or height, as a box on the eyes lies in the upper half of
    /// the box round a masked face. A narrower box about the middle is the same face boxed tighter.
    /// </summary>
    public static bool Frames(Rect whole, Rect part)
    {
        var p = Centre(part);
        if (whole.Width <= part.Width || !OnFace(whole, p))
        {
            return false;
        }

        double dx = Math.Abs(2.0 * p.X - (2.0 * whole.X + whole.Width)) / (2.0 * whole.Width);
        double dy = Math.Abs(2.0 * p.Y - (2.0 * whole.Y + whole.Height)) / (2.0 * whole.Height);
        return Math.Max(dx, dy) >= PartOffCentre;
    }

    /// <summary>
    /// Whether <paramref name="point"/> lies in the ellipse inscribed in <paramref name="box"/>: on the
    /// face the box frames, not in the corners the box adds round it.
    /// </summary>
    public static bool OnFace(Rect box, Point point)
    {
        if (box.Width <= 0 || box.Height <= 0)
        {
            return false;
        }

        // The ellipse is centred on the box's exact middle, not on the rounded-down Centre:
        // ((2x - (2 left + w)) / w)^2 + ((2y - (2 top + h)) / h)^2 <= 1.
        double dx = (2.0 * point.X - (2.0 * box.X + box.Width)) / box.Width;
        double dy = (2.0 * point.Y - (2.0 * box.Y + box.Height)) / box.Height;
        return dx * dx + dy * dy <= 1;
    }

    /// <summary><paramref name="box"/> moved by (<paramref name="dx"/>, <paramref name="dy"/>).</summary>
    public static Rect Offset(Rect box, int dx, int dy) => new(box.X + dx, box.Y + dy, box.Width, box.Height);
}
