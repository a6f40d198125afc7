using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Tracking;

/// <summary>
/// A confirmed track whose face the detector missed in this frame and that is still reported
/// ("held", <see cref="TrackerOptions.HoldFrames"/>): its last matched box, and how many frames
/// in a row it has been missed (1..HoldFrames).
/// </summary>
public readonly record struct HeldTrack(int TrackId, Rect Box, int Missed);
