using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Rendering;

/// <summary>
/// Draws the results into the frame like the seed projects: per face a box (green = mask,
/// red = no mask; thin grey with "?" = too small to judge) with "label probability" above it; orange lines between faces standing too
/// close (explained by a legend under the counters); labels of neighbouring faces never cover each other; a "KEEP YOUR DISTANCE" banner when an unmasked face is too near; frame rate and face
/// count in a corner, the top-left one unless faces or labels are there (no frame rate for still images: it would read "FPS 0.0"). Sizes scale with the frame so 360p, 1080p and an 8000 px photo all read well (<see cref="SizesFor"/>).
/// </summary>
public sealed class OverlayRenderer
{
    private readonly TextCache _text;
    private readonly List<Rect> _placed = []; // the labels' places, in face order
    private readonly List<(int Face, int TextHeight, int Pad)> _labels = []; // the face and text metrics of each place
    private Corner _corner; // where a stream's status panel was drawn last: it stays there while nothing is under it

    /// <param name="labels">The model's labels, in output order (shown through <see cref="Classification.MaskLabels.Display"/>).</param>
    public OverlayRenderer(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var shown = new string[labels.Count];
        for (int i = 0; i < shown.Length; i++)
        {
            shown[i] = Classification.MaskLabels.Display(labels[i]);
        }

        _text = new TextCache(shown);
    }

    /// <summary>
    /// False for still images, whose frame rate means nothing: only the face count is shown. Each still image
    /// also places its status panel afresh (--images draws every image with one renderer, and an image must
    /// give the same copy alone or after any other); only a video's or camera's frames keep the panel's corner.
    /// </summary>
    public bool ShowFps { get; init; } = true;

    public void Draw(FramePacket packet, double fps)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var frame = packet.Frame;
        int width = frame.Cols, height = frame.Rows;
        var (scale, thickness, textThickness) = SizesFor(width, height);
        var faces = packet.Faces;
        _placed.Clear();
        _labels.Clear();

        // Back to front, so that nothing is drawn over a label: the orange lines and dots, the boxes,
        // the status panel, then the labels (the lines crossed labels drawn before them, a later
        // face's dot or box was drawn over an earlier face's label, and the panel over the top-left one).
        foreach (var pair in packet.ClosePairs)
        {
            Cv2.Line(frame, Centre(faces[pair.First].Box), Centre(faces[pair.Second].Box), OverlayStyle.Distancing, thickness, LineTypes.AntiAlias);
        }

        for (int i = 0; i < faces.Length; i++)
        {
            ref readonly var face = ref faces[i];
            if (face.Verdict.TooSmall)
            {
                DrawTooSmall(frame, face.Box, scale, textThickness);
                continue;
            }

            Cv2.Rectangle(frame, face.Box, face.Verdict.Mask ? OverlayStyle.Mask : OverlayStyle.NoMask, thickness);
            if ((face.Alerts & FaceAlerts.Distancing) != 0)
            {
                Cv2.Circle(frame, Centre(face.Box), thickness * 3, OverlayStyle.Distancing, -1, LineTypes.AntiAlias);
            }

            // Placed now, drawn last: the status panel goes where it covers the fewest of them.
            var label = _text.Label(face.Verdict.LabelIndex, face.Verdict.Probability);
            var size = Cv2.GetTextSize(label, OverlayStyle.Font, scale, textThickness, out var baseline);
            int pad = Math.Max(2, thickness);
            PlaceLabel(face.Box, new Size(size.Width + 2 * pad, size.Height + baseline + 2 * pad), width, height, _placed);
            _labels.Add((i, size.Height, pad));
        }

        var banner = packet.AnyProximity ? MeasureBanner(scale, textThickness) : default;
        DrawStatus(frame, fps, packet.FaceCount, packet.ClosePairs.Count > 0, faces, banner.Height, scale, thickness, textThickness);

        for (int k = 0; k < _labels.Count; k++)
        {
            var (i, textHeight, pad) = _labels[k];
            var place = _placed[k];
            var verdict = faces[i].Verdict;
            Translucent.FillRectangle(frame, place, verdict.Mask ? OverlayStyle.Mask : OverlayStyle.NoMask, 1.0);
            var textColour = verdict.Mask ? OverlayStyle.DarkText : OverlayStyle.Text;
            Cv2.PutText(frame, _text.Label(verdict.LabelIndex, verdict.Probability), new Point(place.X + pad, place.Y + pad + textHeight),
                OverlayStyle.Font, scale, textColour, textThickness);
        }

        if (packet.AnyProximity)
        {
            DrawBanner(frame, width, height, banner);
        }
    }

    /// <summary>
    /// The font scale, line and text thickness for a frame: from 0.4 at 440 px wide up to 1.5 at
    /// 1650-2200 px (720p 1.16, 1080p 1.5), then growing with the frame, so a 4K or 8000 px photo's
    /// labels read as a 1080p frame's do when the picture is seen whole (scaled to a screen).
    /// The width counts up to 16:9 of the height: a panorama's text stays in proportion to its height.
    /// </summary>
    internal static (double Scale, int Thickness, int TextThickness) SizesFor(int width, int height)
    {
        double span = Math.Min(width, height * 16.0 / 9);
        double scale = Math.Max(Math.Clamp(span / 1100.0, 0.4, 1.5), span / LargeFrameWidthPerScale);
        int thickness = Math.Max(2, (int)Math.Round(span / 500.0));
        int textThickness = Math.Max(1, (int)Math.Round(scale * 1.6));
        return (scale, thickness, textThickness);
    }

    // Beyond 2200 px the font grows in proportion: 3840 px (4K) 2.6, 8000 px 5.5.
    private const double LargeFrameWidthPerScale = 1466.7;

    /// <summary>A thin grey box with a small "?" above it: a face was found but is too small to judge.</summary>
    private static void DrawTooSmall(Mat frame, Rect box, double scale, int textThickness)
    {
        // One pixel up to 1080p (the box must not hide the small face); thicker on a large photo, where one pixel vanishes.
        Cv2.Rectangle(frame, box, OverlayStyle.TooSmall, Math.Max(1, textThickness / 2));
        var at = new Point(box.X, Math.Max(box.Y - 3, 10));
        Cv2.PutText(frame, "?", at, OverlayStyle.Font, Math.Max(0.35, scale * 0.5), OverlayStyle.TooSmall, Math.Max(1, textThickness - 1));
    }

    /// <summary>
    /// Where a face's label goes: above the box like the seeds, else below it, else stacked above
    /// (then below) the labels already placed, so neighbouring faces' labels never cover each
    /// other; inside the frame. Adds the result to <paramref name="placed"/>.
    /// </summary>
    internal static Rect PlaceLabel(Rect face, Size label, int frameWidth, int frameHeight, List<Rect> placed)
    {
        int left = Math.Clamp(face.X, 0, Math.Max(0, frameWidth - label.Width));
        int maxTop = Math.Max(0, frameHeight - label.Height);
        var first = new Rect(left, Math.Clamp(face.Y - label.Height, 0, maxTop), label.Width, label.Height);
        var chosen = first;
        if (Overlap(first, placed) is not null)
        {
            var below = new Rect(left, Math.Clamp(face.Bottom, 0, maxTop), label.Width, label.Height);
            chosen = Overlap(below, placed) is null ? below : Stack(first, placed, maxTop);
        }

        placed.Add(chosen);
        return chosen;
    }

    // Moves up past each label in the way, then down past them if the top of the frame is reached.
    private static Rect Stack(Rect start, List<Rect> placed, int maxTop)
    {
        var r = start;
        for (int i = 0; i <= placed.Count && Overlap(r, placed) is { } hit; i++)
        {
            r.Y = hit.Y - r.Height;
            if (r.Y < 0)
            {
                break;
            }
        }

        if (r.Y >= 0 && Overlap(r, placed) is null)
        {
            return r;
        }

        r.Y = start.Y;
        for (int i = 0; i <= placed.Count && Overlap(r, placed) is { } hit; i++)
        {
            r.Y = hit.Bottom;
            if (r.Y > maxTop)
            {
                return start;
            }
        }

        return r;
    }

    private static Rect? Overlap(Rect r, List<Rect> placed)
    {
        foreach (var p in placed)
        {
            if (r.IntersectsWith(p))
            {
                return p;
            }
        }

        return null;
    }

    private static Point Centre(Rect r) => new(r.X + r.Width / 2, r.Y + r.Height / 2);

    private static void DrawBanner(Mat frame, int width, int height, in Banner banner)
    {
        Translucent.FillRectangle(frame, new Rect(0, height - banner.Height, width, banner.Height), OverlayStyle.Warning, 0.75);
        var org = new Point(Math.Max(0, (width - banner.Text.Width) / 2), height - banner.Pad - banner.Baseline);
        Cv2.PutText(frame, OverlayStyle.ProximityMessage, org, OverlayStyle.Font, banner.Scale, OverlayStyle.Text, banner.Thickness);
    }

    /// <summary>The banner's text metrics, measured once a frame: the status panel needs its height before it is drawn.</summary>
    private readonly record struct Banner(Size Text, int Baseline, double Scale, int Thickness, int Pad)
    {
        public int Height => Text.Height + Baseline + 2 * Pad;
    }

    private static Banner MeasureBanner(double scale, int textThickness)
    {
        var (s, t, pad) = BannerText(scale, textThickness);
        var size = Cv2.GetTextSize(OverlayStyle.ProximityMessage, OverlayStyle.Font, s, t, out var baseline);
        return new Banner(size, baseline, s, t, pad);
    }

    private static (double Scale, int Thickness, int Pad) BannerText(double scale, int textThickness) =>
        (scale * 1.4, textThickness + 1, (int)Math.Round(12 * scale));

    /// <summary>The corners the status panel may take, in order of preference.</summary>
    internal enum Corner
    {
        TopLeft,
        TopRight,
        BottomLeft,
        BottomRight,
    }

    /// <summary>
    /// Where the status panel goes: the corner it was in last while it covers no face and no label
    /// there (a video's panel does not jump about), else the first corner (top left, top right,
    /// bottom left, bottom right; the bottom ones above the banner) that covers the least of them,
    /// a label counting four times its area (its text is what must stay readable).
    /// </summary>
    internal static Corner PlaceStatus(Size panel, int frameWidth, int bottom, ReadOnlySpan<Pipeline.FaceResult> faces, List<Rect> labels, Corner last)
    {
        if (Covered(At(last, panel, frameWidth, bottom), faces, labels) == 0)
        {
            return last;
        }

        var best = Corner.TopLeft;
        long least = long.MaxValue;
        for (var c = Corner.TopLeft; c <= Corner.BottomRight; c++)
        {
            long covered = Covered(At(c, panel, frameWidth, bottom), faces, labels);
            if (covered < least)
            {
                (best, least) = (c, covered);
            }
        }

        return best;
    }

    /// <summary>The panel's rectangle in <paramref name="corner"/>; <paramref name="bottom"/> is the first row the banner takes (the frame's height without one).</summary>
    internal static Rect At(Corner corner, Size panel, int frameWidth, int bottom)
    {
        int x = corner is Corner.TopRight or Corner.BottomRight ? Math.Max(0, frameWidth - panel.Width) : 0;
        int y = corner is Corner.BottomLeft or Corner.BottomRight ? Math.Max(0, bottom - panel.Height) : 0;
        return new Rect(x, y, panel.Width, panel.Height);
    }

    private static long Covered(Rect panel, ReadOnlySpan<Pipeline.FaceResult> faces, List<Rect> labels)
    {
        long area = 0;
        foreach (ref readonly var f in faces)
        {
            area += Area(panel.Intersect(f.Box));
        }

        foreach (var l in labels)
        {
            area += 4 * Area(panel.Intersect(l));
        }

        return area;
    }

    private static long Area(Rect r) => r.Width <= 0 || r.Height <= 0 ? 0 : (long)r.Width * r.Height;

    private void DrawStatus(Mat frame, double fps, int faceCount, bool distancing, ReadOnlySpan<Pipeline.FaceResult> faces, int banner,
        double scale, int thickness, int textThickness)
    {
        var fpsText = ShowFps ? _text.Fps(fps) : null;
        var facesText = _text.Faces(faceCount);
        var a = fpsText is null ? default : Cv2.GetTextSize(fpsText, OverlayStyle.Font, scale, textThickness, out _);
        var b = Cv2.GetTextSize(facesText, OverlayStyle.Font, scale, textThickness, out var baseline);
        var c = distancing ? Cv2.GetTextSize(OverlayStyle.DistancingLegend, OverlayStyle.Font, scale, textThickness, out _) : default;
        int pad = (int)Math.Round(8 * scale) + 2;
        int line = Math.Max(a.Height, b.Height) + baseline + pad;
        int lines = fpsText is null ? 1 : 2;
        int swatch = c.Height * 2;
        int countersHeight = lines * line + pad;
        int panelWidth = Math.Max(Math.Max(a.Width, b.Width) + 2 * pad, distancing ? swatch + c.Width + 3 * pad : 0);
        var panel = new Size(panelWidth, countersHeight + (distancing ? line + pad : 0));

        _corner = PlaceStatus(panel, frame.Cols, frame.Rows - banner, faces, _placed, ShowFps ? _corner : Corner.TopLeft);
        var at = At(_corner, panel, frame.Cols, frame.Rows - banner);
        int x = at.X, y0 = at.Y;
        Translucent.FillRectangle(frame, at, OverlayStyle.Panel, 0.5);
        if (fpsText is not null)
        {
            Cv2.PutText(frame, fpsText, new Point(x + pad, y0 + pad + a.Height), OverlayStyle.Font, scale, OverlayStyle.Text, textThickness);
        }

        Cv2.PutText(frame, facesText, new Point(x + pad, y0 + pad + (lines - 1) * line + b.Height), OverlayStyle.Font, scale, OverlayStyle.Text, textThickness);
        if (distancing)
        {
            // The legend of the orange lines, under the counters.
            int y = y0 + countersHeight;
            int mid = y + pad + c.Height / 2;
            Cv2.Line(frame, new Point(x + pad, mid), new Point(x + pad + swatch, mid), OverlayStyle.Distancing, thickness, LineTypes.AntiAlias);
            Cv2.PutText(frame, OverlayStyle.DistancingLegend, new Point(x + 2 * pad + swatch, y + pad + c.Height), OverlayStyle.Font, scale, OverlayStyle.Text, textThickness);
        }
    }
}
