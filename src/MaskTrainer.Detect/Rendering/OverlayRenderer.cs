using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Rendering;

/// <summary>
/// Draws the results into the frame like the seed projects: per face a box (green = mask,
/// red = no mask) with "label probability" above it; orange lines between faces standing too
/// close; a "KEEP YOUR DISTANCE" banner when an unmasked face is too near; frame rate and face
/// count in the top-left corner (no frame rate for still images: it would read "FPS 0.0"). Sizes scale with the frame so 360p and 1080p both read well.
/// </summary>
public sealed class OverlayRenderer
{
    private readonly TextCache _text;

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
        double scale = Math.Clamp(width / 1100.0, 0.4, 1.5);
        int thickness = Math.Max(2, (int)Math.Round(width / 500.0));
        int textThickness = Math.Max(1, (int)Math.Round(scale * 1.6));
        var faces = packet.Faces;

        foreach (var pair in packet.ClosePairs)
        {
            Cv2.Line(frame, Centre(faces[pair.First].Box), Centre(faces[pair.Second].Box), OverlayStyle.Distancing, thickness, LineTypes.AntiAlias);
        }

        foreach (ref readonly var face in faces)
        {
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

            // Above the box like the seeds; inside its top edge when the face touches the top of the frame.
            int top = face.Box.Y - boxHeight >= 0 ? face.Box.Y - boxHeight : Math.Max(0, face.Box.Y);
            int left = Math.Clamp(face.Box.X, 0, Math.Max(0, width - size.Width - 2 * pad));
            Translucent.FillRectangle(frame, new Rect(left, top, size.Width + 2 * pad, boxHeight), colour, 1.0);
            var textColour = face.Verdict.Mask ? OverlayStyle.DarkText : OverlayStyle.Text;
            Cv2.PutText(frame, label, new Point(left + pad, top + pad + size.Height), OverlayStyle.Font, scale, textColour, textThickness);
        }

        if (packet.AnyProximity)
        {
            DrawBanner(frame, width, height, scale, textThickness);
        }

        DrawStatus(frame, fps, packet.FaceCount, scale, textThickness);
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

    private void DrawStatus(Mat frame, double fps, int faceCount, double scale, int textThickness)
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
    }
}
