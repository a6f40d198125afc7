using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Tracking;

/// <summary>Intersection over union of boxes, the tracker's matching score.</summary>
public static class BoxOverlap
{
    /// <summary>Area of the overlap divided by the area of the union: 1 for identical boxes, 0 for disjoint or empty ones.</summary>
    public static float IoU(Rect a, Rect b)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            return 0f;
        }

        long inter = a.Intersect(b).Area;
        long union = (long)a.Width * a.Height + (long)b.Width * b.Height - inter;
        return union <= 0 ? 0f : (float)((double)inter / union);
    }
}
