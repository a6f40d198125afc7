using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// One face found by an <see cref="IFaceDetector"/>: its box in image pixel coordinates (may
/// extend past the image edge), the detector's confidence in [0, 1], and landmarks in image
/// coordinates when the model has them (BlazeFace: right eye, left eye, nose tip, mouth
/// centre, right ear tragion, left ear tragion — in that order).
/// </summary>
public sealed record DetectedFace(Rect Box, float Score, IReadOnlyList<Point2f>? Landmarks = null);
