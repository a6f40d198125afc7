using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Classification;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>Everything known about one face in one frame. A struct in a reused array: the frame loop allocates nothing per face.</summary>
public struct FaceResult
{
    /// <summary>Box in frame pixels, as the detector gave it.</summary>
    public Rect Box;

    /// <summary>Detector confidence (0 for a <see cref="Held"/> face: nothing was detected in this frame).</summary>
    public float Score;

    /// <summary>The track this face belongs to (stable across frames).</summary>
    public int TrackId;

    /// <summary>True when the face was classified in this frame (otherwise its track's smoothed label was reused).</summary>
    public bool Classified;

    /// <summary>
    /// True when the detector missed this face in this frame and its track is reported anyway
    /// (<see cref="Tracking.TrackerOptions.HoldFrames"/>): <see cref="Box"/> is the track's last
    /// detected box, the verdict its last smoothed one, and it is never classified.
    /// </summary>
    public bool Held;

    /// <summary>The smoothed decision.</summary>
    public FaceVerdict Verdict;

    /// <summary>Alerts raised by this face.</summary>
    public FaceAlerts Alerts;
}
