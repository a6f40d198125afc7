using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// Where a mask goes on a face: an outline from the nose bridge to below the chin and from
/// cheek to cheek, built in the face's own frame (<see cref="FaceFrame"/>) so it turns with
/// the eye line and scales with the eye distance. Vertical extents come from the nose and
/// mouth landmarks (so a face looking down gets a shorter mask), sides from the ear landmarks
/// (so a face turned away gets a narrower far side). Immutable.
/// </summary>
public sealed class MaskGeometry
{
    private const int CurvePoints = 18;

    private MaskGeometry(FaceFrame frame, double topV, double sideTopV, double mouthV, double jawStartV, double chinV,
        double bridgeU, double midU, double rightU, double leftU, Point2f[] outline)
    {
        Frame = frame;
        TopV = topV;
        SideTopV = sideTopV;
        MouthV = mouthV;
        JawStartV = jawStartV;
        ChinV = chinV;
        BridgeU = bridgeU;
        MidU = midU;
        RightU = rightU;
        LeftU = leftU;
        Outline = outline;
        Bounds = BoundsOf(outline);
    }

    /// <summary>The face frame the geometry is expressed in.</summary>
    public FaceFrame Frame { get; }

    /// <summary>Face-frame v of the top edge where it crosses the nose.</summary>
    public double TopV { get; }

    /// <summary>Face-frame v of the top corners at the cheeks.</summary>
    public double SideTopV { get; }

    /// <summary>Face-frame v of the mouth landmark.</summary>
    public double MouthV { get; }

    /// <summary>Face-frame v where the sides turn into the jaw curve.</summary>
    public double JawStartV { get; }

    /// <summary>Face-frame v of the bottom of the mask, below the chin.</summary>
    public double ChinV { get; }

    /// <summary>Face-frame u of the nose bridge point.</summary>
    public double BridgeU { get; }

    /// <summary>Face-frame u of the lower face's midline (the mouth).</summary>
    public double MidU { get; }

    /// <summary>Face-frame u of the side towards the subject's right ear (usually negative).</summary>
    public double RightU { get; }

    /// <summary>Face-frame u of the side towards the subject's left ear (usually positive).</summary>
    public double LeftU { get; }

    /// <summary>The outline as a closed polygon in image coordinates.</summary>
    public IReadOnlyList<Point2f> Outline { get; }

    /// <summary>Integer bounding box of <see cref="Outline"/> in image coordinates (may extend past the image).</summary>
    public Rect Bounds { get; }

    /// <summary>Image position of the top edge on the nose bridge.</summary>
    public Point2f NoseBridge => Frame.ToImage(BridgeU, TopV);

    /// <summary>Image position of the bottom of the mask under the chin.</summary>
    public Point2f Chin => Frame.ToImage(MidU, ChinV);

    /// <summary>Image position of the mask's side on the subject's right cheek, at mouth height.</summary>
    public Point2f RightCheek => Frame.ToImage(RightU, MouthV);

    /// <summary>Image position of the mask's side on the subject's left cheek, at mouth height.</summary>
    public Point2f LeftCheek => Frame.ToImage(LeftU, MouthV);

    /// <summary>Places a mask of <paramref name="appearance"/> on the face described by <paramref name="landmarks"/>.</summary>
    public static MaskGeometry Place(FaceLandmarks landmarks, MaskAppearance appearance)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        ArgumentNullException.ThrowIfNull(appearance);
        var frame = FaceFrame.From(landmarks);
        var (nu, nv) = frame.ToFace(landmarks.NoseTip);
        var (mu, mv) = frame.ToFace(landmarks.Mouth);
        var (ru, _) = frame.ToFace(landmarks.RightEar);
        var (lu, _) = frame.ToFace(landmarks.LeftEar);

        // Landmarks of blurred or tilted faces can put the nose level with the eyes or the mouth
        // above the nose; keep the proportions of a face so the mask still has a sane shape.
        mv = Math.Max(mv, 0.5);
        nv = Math.Clamp(nv, 0.25 * mv, 0.85 * mv);

        // Ears can sit inside the eyes when a detector guesses them on a turned face; a mask is
        // never narrower than the eyes plus a little on either side.
        ru = Math.Min(ru, mu - 0.55);
        lu = Math.Max(lu, mu + 0.55);

        var style = appearance.Style;
        double topV = nv * appearance.NoseBridge;
        double bridgeU = nu * appearance.NoseBridge;
        double chinV = mv * (1 + appearance.ChinDrop);
        double reach = appearance.SideReach * (style == MaskStyle.N95 ? 0.95 : 1.0);
        double rightU = mu + (ru - mu) * reach;
        double leftU = mu + (lu - mu) * reach;
        var (sideDrop, jawStartV, jawPower) = style switch
        {
            MaskStyle.Surgical => (0.14, mv, 3.4),
            MaskStyle.N95 => (0.42, mv - 0.12, 1.45),
            _ => (0.3, mv - 0.08, 2.3),
        };
        double sideTopV = topV + sideDrop;
        jawStartV = Math.Max(jawStartV, sideTopV + 0.1);
        chinV = Math.Max(chinV, jawStartV + 0.2);

        var face = new List<(double U, double V)>(4 * CurvePoints + 4);

        // Top edge, subject's right corner to left corner, through the nose bridge: a rounded
        // arch for fabric, two straight runs for the folded N95 peak.
        if (style == MaskStyle.N95)
        {
            face.Add((rightU, sideTopV));
            face.Add((bridgeU, topV));
            face.Add((leftU, sideTopV));
        }
        else
        {
            for (int i = 0; i <= CurvePoints; i++)
            {
                double t = (double)i / CurvePoints;
                face.Add(QuadraticThrough((rightU, sideTopV), (bridgeU, topV), (leftU, sideTopV), t));
            }
        }

        // Left side down to the jaw, then a superellipse quarter to the chin and another back up
        // to the right side: power 2 is an ellipse, higher is boxier (pleated masks), lower is
        // pointed (the N95 chin).
        AddJaw(face, leftU, jawStartV, mu, chinV, jawPower, downwards: true);
        AddJaw(face, rightU, jawStartV, mu, chinV, jawPower, downwards: false);

        var outline = new Point2f[face.Count];
        for (int i = 0; i < outline.Length; i++)
        {
            outline[i] = frame.ToImage(face[i].U, face[i].V);
        }

        return new MaskGeometry(frame, topV, sideTopV, mv, jawStartV, chinV, bridgeU, mu, rightU, leftU, outline);
    }

    /// <summary>Fraction of the outline's area that lies inside <paramref name="bounds"/> (1 = fully inside).</summary>
    public double FractionInside(Rect bounds)
    {
        double total = Math.Abs(PolygonArea(Outline));
        if (total <= 0)
        {
            return 0;
        }

        var clipped = ClipToRect(Outline, bounds);
        return Math.Abs(PolygonArea(clipped)) / total;
    }

    private static void AddJaw(List<(double U, double V)> face, double sideU, double jawStartV, double chinU, double chinV, double power, bool downwards)
    {
        double exponent = 2 / power;
        for (int i = 0; i <= CurvePoints; i++)
        {
            int k = downwards ? i : CurvePoints - i;
            double theta = Math.PI / 2 * k / CurvePoints;
            double c = Math.Pow(Math.Cos(theta), exponent);
            double s = Math.Pow(Math.Sin(theta), exponent);
            face.Add((chinU + (sideU - chinU) * c, jawStartV + (chinV - jawStartV) * s));
        }
    }

    /// <summary>Point t of the quadratic Bezier from a to b that passes through <paramref name="peak"/> at t = 0.5.</summary>
    private static (double U, double V) QuadraticThrough((double U, double V) a, (double U, double V) peak, (double U, double V) b, double t)
    {
        double cu = 2 * peak.U - (a.U + b.U) / 2;
        double cv = 2 * peak.V - (a.V + b.V) / 2;
        double w0 = (1 - t) * (1 - t);
        double w1 = 2 * t * (1 - t);
        double w2 = t * t;
        return (w0 * a.U + w1 * cu + w2 * b.U, w0 * a.V + w1 * cv + w2 * b.V);
    }

    private static Rect BoundsOf(IReadOnlyList<Point2f> points)
    {
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var p in points)
        {
            minX = Math.Min(minX, p.X);
            minY = Math.Min(minY, p.Y);
            maxX = Math.Max(maxX, p.X);
            maxY = Math.Max(maxY, p.Y);
        }

        int left = (int)Math.Floor(minX);
        int top = (int)Math.Floor(minY);
        return new Rect(left, top, (int)Math.Ceiling(maxX) - left + 1, (int)Math.Ceiling(maxY) - top + 1);
    }

    private static double PolygonArea(IReadOnlyList<Point2f> p)
    {
        double sum = 0;
        for (int i = 0, j = p.Count - 1; i < p.Count; j = i++)
        {
            sum += ((double)p[j].X * p[i].Y) - ((double)p[i].X * p[j].Y);
        }

        return sum / 2;
    }

    /// <summary>Sutherland-Hodgman clip of a polygon to an axis-aligned box.</summary>
    private static List<Point2f> ClipToRect(IReadOnlyList<Point2f> polygon, Rect r)
    {
        var current = new List<Point2f>(polygon);
        current = ClipEdge(current, p => p.X >= r.X, (a, b) => AtX(a, b, r.X));
        current = ClipEdge(current, p => p.X <= r.Right, (a, b) => AtX(a, b, r.Right));
        current = ClipEdge(current, p => p.Y >= r.Y, (a, b) => AtY(a, b, r.Y));
        return ClipEdge(current, p => p.Y <= r.Bottom, (a, b) => AtY(a, b, r.Bottom));
    }

    private static List<Point2f> ClipEdge(List<Point2f> input, Func<Point2f, bool> inside, Func<Point2f, Point2f, Point2f> cross)
    {
        var output = new List<Point2f>(input.Count + 4);
        for (int i = 0; i < input.Count; i++)
        {
            var a = input[(i + input.Count - 1) % input.Count];
            var b = input[i];
            bool ain = inside(a), bin = inside(b);
            if (bin)
            {
                if (!ain)
                {
                    output.Add(cross(a, b));
                }

                output.Add(b);
            }
            else if (ain)
            {
                output.Add(cross(a, b));
            }
        }

        return output;
    }

    private static Point2f AtX(Point2f a, Point2f b, float x)
    {
        float t = (x - a.X) / (b.X - a.X);
        return new Point2f(x, a.Y + t * (b.Y - a.Y));
    }

    private static Point2f AtY(Point2f a, Point2f b, float y)
    {
        float t = (y - a.Y) / (b.Y - a.Y);
        return new Point2f(a.X + t * (b.X - a.X), y);
    }
}
