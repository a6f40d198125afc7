using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>Decides whether a detected face is fit for a synthetic mask (see <see cref="FaceScreeningOptions"/>).</summary>
public static class FaceScreening
{
    /// <summary>
    /// Null when the face may be masked, else the first reason it may not, checked in the order
    /// landmarks, size, turn, border. <paramref name="image"/> is the photo's own extent (not a
    /// padded copy used for detection).
    /// </summary>
    public static SkipReason? Check(Rect box, FaceLandmarks? landmarks, Rect image, FaceScreeningOptions options, MaskGeometry? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (landmarks is null)
        {
            return SkipReason.NoLandmarks;
        }

        double eyes = landmarks.EyeDistance;
        if (eyes < options.MinEyeDistance)
        {
            return SkipReason.TooSmall;
        }

        // The mouth sits about one eye distance below the eye line on an upright face; far
        // less means the head is pitched or the landmarks are wrong, far more means the same.
        var frame = FaceFrame.From(landmarks);
        var (_, mouthDepth) = frame.ToFace(landmarks.Mouth);
        var (_, noseDepth) = frame.ToFace(landmarks.NoseTip);
        if (landmarks.TurnRatio > options.MaxTurn || Math.Abs(landmarks.RollDegrees) > options.MaxRollDegrees
            || mouthDepth < 0.55 || mouthDepth > 2.2 || noseDepth <= 0.1 || noseDepth >= mouthDepth)
        {
            return SkipReason.TooTurned;
        }

        if (InsideFraction(box, image) < options.MinFaceInside
            || (geometry is not null && geometry.FractionInside(image) < options.MinMaskInside))
        {
            return SkipReason.CutByBorder;
        }

        return null;
    }

    private static double InsideFraction(Rect box, Rect image)
    {
        if (box.IsEmpty)
        {
            return 0;
        }

        var inside = box.Intersect(image);
        return inside.IsEmpty ? 0 : (double)inside.Area / box.Area;
    }
}
