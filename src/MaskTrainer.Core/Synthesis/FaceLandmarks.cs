using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// The six face points a mask is placed from, in image pixel coordinates, named from the
/// subject's point of view (the subject's right eye appears on the left of an unmirrored photo).
/// This is BlazeFace's keypoint order, so <see cref="FromPoints"/> takes a detector's landmark
/// list as it comes.
/// </summary>
public sealed record FaceLandmarks(
    Point2f RightEye,
    Point2f LeftEye,
    Point2f NoseTip,
    Point2f Mouth,
    Point2f RightEar,
    Point2f LeftEar)
{
    /// <summary>Number of points <see cref="FromPoints"/> needs.</summary>
    public const int PointCount = 6;

    /// <summary>
    /// Reads the first six points in BlazeFace order: right eye, left eye, nose tip, mouth centre,
    /// right ear tragion, left ear tragion. Throws <see cref="ArgumentException"/> for fewer points.
    /// </summary>
    public static FaceLandmarks FromPoints(IReadOnlyList<Point2f> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < PointCount)
        {
            throw new ArgumentException($"a face needs {PointCount} landmarks (eyes, nose, mouth, ears), got {points.Count}", nameof(points));
        }

        return new FaceLandmarks(points[0], points[1], points[2], points[3], points[4], points[5]);
    }

    /// <summary>Midpoint between the eyes.</summary>
    public Point2f EyeCentre => new((RightEye.X + LeftEye.X) / 2, (RightEye.Y + LeftEye.Y) / 2);

    /// <summary>Distance between the eyes in pixels: the face's scale.</summary>
    public float EyeDistance => Distance(RightEye, LeftEye);

    /// <summary>
    /// In-plane rotation of the eye line in degrees, 0 for an upright face, positive when the
    /// line (right eye to left eye) turns clockwise on screen (image y points down).
    /// </summary>
    public double RollDegrees => Math.Atan2(LeftEye.Y - RightEye.Y, LeftEye.X - RightEye.X) * 180 / Math.PI;

    /// <summary>
    /// How far the head is turned sideways, 0 (frontal) to 1 (profile): the imbalance of the
    /// nose-to-ear distances. A frontal face has the nose halfway between the ears.
    /// </summary>
    public double TurnRatio
    {
        get
        {
            double right = Distance(NoseTip, RightEar);
            double left = Distance(NoseTip, LeftEar);
            double sum = right + left;
            return sum <= 0 ? 1 : Math.Abs(right - left) / sum;
        }
    }

    /// <summary>The six points in <see cref="FromPoints"/> order.</summary>
    public Point2f[] ToArray() => [RightEye, LeftEye, NoseTip, Mouth, RightEar, LeftEar];

    /// <summary>The same landmarks moved by (<paramref name="dx"/>, <paramref name="dy"/>), e.g. from a padded image back to the original.</summary>
    public FaceLandmarks Offset(float dx, float dy)
    {
        static Point2f Move(Point2f p, float dx, float dy) => new(p.X + dx, p.Y + dy);
        return new FaceLandmarks(Move(RightEye, dx, dy), Move(LeftEye, dx, dy), Move(NoseTip, dx, dy),
            Move(Mouth, dx, dy), Move(RightEar, dx, dy), Move(LeftEar, dx, dy));
    }

    internal static float Distance(Point2f a, Point2f b)
    {
        float dx = a.X - b.X;
        float dy = a.Y - b.Y;
        return MathF.Sqrt(dx * dx + dy * dy);
    }
}
