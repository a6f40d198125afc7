using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

/// <summary>Hand-made landmark sets with known proportions: an upright frontal face, and transforms of it.</summary>
internal static class TestFaces
{
    /// <summary>
    /// Eyes 40 px apart at y = 100 (subject's right eye on the image left), nose tip 24 px and
    /// mouth 42 px below the eye line, ears level with the nose bridge just outside the cheeks.
    /// </summary>
    public static FaceLandmarks Upright { get; } = new(
        RightEye: new Point2f(100, 100),
        LeftEye: new Point2f(140, 100),
        NoseTip: new Point2f(120, 124),
        Mouth: new Point2f(120, 142),
        RightEar: new Point2f(78, 110),
        LeftEar: new Point2f(162, 110));

    public static Point2f Rotate(Point2f p, Point2f centre, double degrees)
    {
        double a = degrees * Math.PI / 180;
        double dx = p.X - centre.X, dy = p.Y - centre.Y;
        return new Point2f((float)(centre.X + (dx * Math.Cos(a)) - (dy * Math.Sin(a))), (float)(centre.Y + (dx * Math.Sin(a)) + (dy * Math.Cos(a))));
    }

    public static FaceLandmarks Map(FaceLandmarks f, Func<Point2f, Point2f> map) =>
        FaceLandmarks.FromPoints(f.ToArray().Select(map).ToArray());

    /// <summary>A mid-grey photo-sized image with a lighter face-coloured disc, 8-bit BGR.</summary>
    public static Mat GreyImage(int width = 240, int height = 240)
    {
        var image = new Mat(height, width, MatType.CV_8UC3, new Scalar(120, 130, 140));
        Cv2.Circle(image, new Point(120, 125), 60, new Scalar(140, 160, 190), -1);
        return image;
    }

    public static (byte B, byte G, byte R) Pixel(Mat image, Point2f p)
    {
        var bytes = image.GetBytes();
        int i = (((int)Math.Round(p.Y) * image.Cols) + (int)Math.Round(p.X)) * 3;
        return (bytes[i], bytes[i + 1], bytes[i + 2]);
    }
}
