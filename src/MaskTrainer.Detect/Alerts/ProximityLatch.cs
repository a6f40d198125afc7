using OpenCvSharp;

namespace MaskTrainer.Detect.Alerts;

/// <summary>
/// Keeps a tracked face's "keep your distance" alert on until the face is clearly narrower than the
/// limit (<see cref="ReleaseRatio"/> of it), not just under it: a face whose width hovers at the limit
/// (box jitter of a few pixels) switched the banner on and off a dozen times in a second. Used by one
/// thread; allocates nothing once its set has grown to the number of faces in view.
/// </summary>
public sealed class ProximityLatch
{
    /// <summary>An alerted face stays alerted while wider than this fraction of the proximity limit.</summary>
    public const double ReleaseRatio = 0.9;

    private readonly HashSet<int> _near = [];

    /// <summary>
    /// Adjusts the <see cref="FaceAlerts.Proximity"/> flag of each face in <paramref name="alerts"/>
    /// (as <see cref="AlertGeometry.Evaluate"/> set it from the width alone) for the faces' past.
    /// </summary>
    public void Apply(ReadOnlySpan<int> trackIds, ReadOnlySpan<Rect> boxes, ReadOnlySpan<bool> masked, int frameWidth, double proximityWidth, Span<FaceAlerts> alerts)
    {
        for (int i = 0; i < trackIds.Length; i++)
        {
            bool near = (alerts[i] & FaceAlerts.Proximity) != 0
                || (!masked[i] && _near.Contains(trackIds[i]) && AlertGeometry.IsTooNear(boxes[i], frameWidth, proximityWidth * ReleaseRatio));
            alerts[i] = near ? alerts[i] | FaceAlerts.Proximity : alerts[i] & ~FaceAlerts.Proximity;
            if (near)
            {
                _near.Add(trackIds[i]);
            }
            else
            {
                _near.Remove(trackIds[i]);
            }
        }
    }

    /// <summary>The track ended: its id is not reused, but its entry would stay.</summary>
    public void Forget(int trackId) => _near.Remove(trackId);
}
