using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// A coordinate frame attached to a face: origin at the eye centre, unit length = the eye
/// distance, u along the eye line (towards the subject's left eye), v perpendicular to it
/// pointing down the face. Shapes and patterns described in (u, v) follow the face's position,
/// size and roll, which is what makes a drawn mask sit like a worn one.
/// </summary>
public readonly record struct FaceFrame
{
    private readonly double ox;
    private readonly double oy;
    private readonly double ux;
    private readonly double uy;

    /// <summary>A frame from its origin, the unit vector of the u axis and the scale (pixels per unit).</summary>
    public FaceFrame(Point2f origin, double axisX, double axisY, double scale)
    {
        double length = Math.Sqrt(axisX * axisX + axisY * axisY);
        if (length <= 0 || scale <= 0 || double.IsNaN(scale))
        {
            throw new ArgumentException("a face frame needs a non-zero axis and a positive scale");
        }

        ox = origin.X;
        oy = origin.Y;
        ux = axisX / length;
        uy = axisY / length;
        Scale = scale;
    }

    /// <summary>Pixels per face unit (the eye distance).</summary>
    public double Scale { get; }

    /// <summary>The frame of <paramref name="landmarks"/>: eye centre, eye line, eye distance.</summary>
    public static FaceFrame From(FaceLandmarks landmarks)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        return new FaceFrame(landmarks.EyeCentre,
            landmarks.LeftEye.X - landmarks.RightEye.X, landmarks.LeftEye.Y - landmarks.RightEye.Y,
            Math.Max(landmarks.EyeDistance, 1e-3));
    }

    /// <summary>Image position of face coordinates (u, v).</summary>
    public Point2f ToImage(double u, double v) =>
        new((float)(ox + Scale * (u * ux - v * uy)), (float)(oy + Scale * (u * uy + v * ux)));

    /// <summary>Face coordinates of an image position.</summary>
    public (double U, double V) ToFace(double x, double y)
    {
        double dx = (x - ox) / Scale;
        double dy = (y - oy) / Scale;
        return (dx * ux + dy * uy, -dx * uy + dy * ux);
    }

    /// <summary>Face coordinates of an image point.</summary>
    public (double U, double V) ToFace(Point2f p) => ToFace(p.X, p.Y);

    /// <summary>
    /// The linear map from image pixels to face units as (u0, du/dx, du/dy, v0, dv/dx, dv/dy), so
    /// a pixel loop can step u and v by additions instead of recomputing the transform.
    /// </summary>
    internal (double U0, double UdX, double UdY, double V0, double VdX, double VdY) Affine()
    {
        double s = 1 / Scale;
        return (-(ox * ux + oy * uy) * s, ux * s, uy * s, (ox * uy - oy * ux) * s, -uy * s, ux * s);
    }
}
