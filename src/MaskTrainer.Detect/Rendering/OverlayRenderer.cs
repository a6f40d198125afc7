using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Rendering;

/// <summary>
/// Draws the results into the frame like the seed projects: per face a box (green = mask,
/// red = no mask; thin grey with "?" = too small to judge) with "label probability" above it; orange lines between faces standing too
/// close (explained by a legend under the counters); labels of neighbouring faces never cover each other; a "KEEP YOUR DISTANCE" banner when an unmasked face is too near; frame rate and face
/// count in the top-left corner (no frame rate for still images: it would read "FPS 0.0"). Sizes scale with the frame so 360p, 1080p and an 8000 px photo all read well (<see cref="SizesFor"/>).
/// </summary>
public sealed class OverlayRenderer
{
    private readonly TextCache _text;
    private readonly List<Rect> _placed = [];

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

    /// <summary>False for still images, whose frame rate means nothing: only the face count is shown.</summary>
    public bool ShowFps { get; init; } = true;

    public void Draw(FramePacket packet, double fps)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var frame = packet.Frame;
        int width = frame.Cols, height = frame.Rows;
        var (scale, thickness, textThickness) = SizesFor(width, height);
        var faces = packet.Faces;
        _placed.Clear();

        foreach (var pair in packet.ClosePairs)
        {
            Cv2.Line(frame, Centre(faces[pair.First].Box), Centre(faces[pair.Second].Box), OverlayStyle.Distancing, thickness, LineTypes.AntiAlias);
        }

        foreach (ref readonly var face in faces)
        {
            if (face.Verdict.TooSmall)
            {
                DrawTooSmall(frame, face.Box, scale, textThickness);
                continue;
            }

            var colour = face.Verdict.Mask ? OverlayStyle.Mask : OverlayStyle.NoMask;
            Cv2.Rectangle(frame, face.Box, colour, thickness);
            if ((face.Alerts & FaceAlerts.Distancing) != 0)
            {
                Cv2.Circle(frame, Centre(face.Box), thickness * 3, OverlayStyle.Distancing, -1, LineTypes.AntiAlias);
            }

            var label = _text.Label(face.Verdict.LabelIndex, face.Verdict.Probability);
            var size = Cv2.GetTextSize(label, OverlayStyle.Font, scale, textThickness, out var baseline);
            int pad = Math.Max(2, thickness);
            int boxHeight = size.Height + baseline + 2 * pad;

            var place = PlaceLabel(face.Box, new Size(size.Width + 2 * pad, boxHeight), width, height, _placed);
            int left = place.X, top = place.Y;
            Translucent.FillRectangle(frame, place, colour, 1.0);
            var textColour = face.Verdict.Mask ? OverlayStyle.DarkText : OverlayStyle.Text;
            Cv2.PutText(frame, label, new Point(left + pad, top + pad + size.Height), OverlayStyle.Font, scale, textColour, textThickness);
        }

        if (packet.AnyProximity)
        {
            DrawBanner(frame, width, height, scale, textThickness);
        }

        DrawStatus(frame, fps, packet.FaceCount, packet.ClosePairs.Count > 0, scale, thickness, textThickness);
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

    private static void DrawBanner(Mat frame, int width, int height, double scale, int textThickness)
    {
        double s = scale * 1.4;
        int t = textThickness + 1;
        var size = Cv2.GetTextSize(OverlayStyle.ProximityMessage, OverlayStyle.Font, s, t, out var baseline);
        int pad = (int)Math.Round(12 * scale);
        int bannerHeight = size.Height + baseline + 2 * pad;
        Translucent.FillRectangle(frame, new Rect(0, height - bannerHeight, width, bannerHeight), OverlayStyle.Warning, 0.75);
        var org = new Point(Math.Max(0, (width - size.Width) / 2), height - pad - baseline);
        Cv2.PutText(frame, OverlayStyle.ProximityMessage, org, OverlayStyle.Font, s, OverlayStyle.Text, t);
    }

    private void DrawStatus(Mat frame, double fps, int faceCount, bool distancing, double scale, int thickness, int textThickness)
    {
        var fpsText = ShowFps ? _text.Fps(fps) : null;
        var facesText = _text.Faces(faceCount);
        var a = fpsText is null ? default : Cv2.GetTextSize(fpsText, OverlayStyle.Font, scale, textThickness, out _);
        var b = Cv2.GetTextSize(facesText, OverlayStyle.Font, scale, textThickness, out var baseline);
        int pad = (int)Math.Round(8 * scale) + 2;
        int line = Math.Max(a.Height, b.Height) + baseline + pad;
        int lines = fpsText is null ? 1 : 2;
        Translucent.FillRectangle(frame, new Rect(0, 0, Math.Max(a.Width, b.Width) + 2 * pad, lines * line + pad), OverlayStyle.Panel, 0.5);
        if (fpsText is not null)
        {
            Cv2.PutText(frame, fpsText, new Point(pad, pad + a.Height), OverlayStyle.Font, scale, OverlayStyle.Text, textThickness);
        }

        Cv2.PutText(frame, facesText, new Point(pad, pad + (lines - 1) * line + b.Height), OverlayStyle.Font, scale, OverlayStyle.Text, textThickness);
        if (distancing)
        {
            // The legend of the orange lines, under the counters.
            var c = Cv2.GetTextSize(OverlayStyle.DistancingLegend, OverlayStyle.Font, scale, textThickness, out _);
            int swatch = c.Height * 2;
            int y = lines * line + pad;
            Translucent.FillRectangle(frame, new Rect(0, y, swatch + c.Width + 3 * pad, line + pad), OverlayStyle.Panel, 0.5);
            int mid = y + pad + c.Height / 2;
            Cv2.Line(frame, new Point(pad, mid), new Point(pad + swatch, mid), OverlayStyle.Distancing, thickness, LineTypes.AntiAlias);
            Cv2.PutText(frame, OverlayStyle.DistancingLegend, new Point(2 * pad + swatch, y + pad + c.Height), OverlayStyle.Font, scale, OverlayStyle.Text, textThickness);
        }
    }
}
