using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Alerts;

/// <summary>
/// The geometry behind the alerts, as in the seed projects: a face that fills too much of the
/// frame is too near the camera; two faces whose centres are too close stand too close.
/// </summary>
public static class AlertGeometry
{
    /// <summary>True when <paramref name="face"/> is wider than <paramref name="proximityWidth"/> x the frame width.</summary>
    public static bool IsTooNear(Rect face, int frameWidth, double proximityWidth) =>
        face.Width > proximityWidth * frameWidth;

    /// <summary>Euclidean distance between the box centres, in pixels.</summary>
    public static double CentreDistance(Rect a, Rect b)
    {
        double dx = (a.X + a.Width / 2.0) - (b.X + b.Width / 2.0);
        double dy = (a.Y + a.Height / 2.0) - (b.Y + b.Height / 2.0);
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>True when the centres of <paramref name="a"/> and <paramref name="b"/> are closer than <paramref name="threshold"/>.</summary>
    public static bool AreTooClose(Rect a, Rect b, DistanceThreshold threshold) =>
        CentreDistance(a, b) < threshold.PixelsFor(a, b);

    /// <summary>
    /// Sets the alerts of every face: <see cref="FaceAlerts.Proximity"/> for unmasked faces that
    /// are too near, <see cref="FaceAlerts.Distancing"/> for both faces of every close pair
    /// (masked or not), which are also added to <paramref name="closePairs"/> (cleared first).
    /// </summary>
    public static void Evaluate(
        ReadOnlySpan<Rect> boxes,
        ReadOnlySpan<bool> masked,
        int frameWidth,
        AlertOptions options,
        Span<FaceAlerts> alerts,
        List<ClosePair> closePairs)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(closePairs);
        if (masked.Length != boxes.Length || alerts.Length < boxes.Length)
        {
            throw new ArgumentException($"{boxes.Length} boxes need as many mask flags (got {masked.Length}) and alert slots (got {alerts.Length})");
        }

        closePairs.Clear();
        for (int i = 0; i < boxes.Length; i++)
        {
            alerts[i] = !masked[i] && IsTooNear(boxes[i], frameWidth, options.ProximityWidth) ? FaceAlerts.Proximity : FaceAlerts.None;
        }

        // All pairs: a frame holds a handful of faces, so O(n^2) is nothing next to detection.
        for (int i = 0; i < boxes.Length; i++)
        {
            for (int j = i + 1; j < boxes.Length; j++)
            {
                var d = CentreDistance(boxes[i], boxes[j]);
                if (d < options.MinDistance.PixelsFor(boxes[i], boxes[j]))
                {
                    alerts[i] |= FaceAlerts.Distancing;
                    alerts[j] |= FaceAlerts.Distancing;
                    closePairs.Add(new ClosePair(i, j, d));
                }
            }
        }
    }
}
