using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>
/// The fusion rule of <see cref="EnsembleFaceDetector"/> and <see cref="CascadeFaceDetector"/>:
/// every member detection scoring at least <see cref="CandidateFloor"/> is a candidate; its
/// fused score is the mean, over members, of that member's best score on a box overlapping the
/// candidate by more than <see cref="MatchIoU"/> (0 when the member saw nothing there).
/// </summary>
internal static class ScoreFusion
{
    /// <summary>IoU over which two members' boxes are taken to be the same face.</summary>
    public const float MatchIoU = 0.3f;

    /// <summary>Member detections under this score support a candidate but are not candidates themselves.</summary>
    public const float CandidateFloor = 0.2f;

    /// <summary>Member detections under this score are ignored altogether (noise).</summary>
    public const float MemberFloor = 0.05f;

    public static void Fuse(ReadOnlySpan<IReadOnlyList<DetectedFace>> perMember, FaceCandidates candidates)
    {
        foreach (var faces in perMember)
        {
            foreach (var candidate in faces)
            {
                if (candidate.Score < CandidateFloor)
                {
                    continue;
                }

                float sum = 0;
                IReadOnlyList<Point2f>? landmarks = null;
                foreach (var other in perMember)
                {
                    DetectedFace? best = null;
                    foreach (var face in other)
                    {
                        if ((best is null || face.Score > best.Score) && FaceBoxes.IoU(candidate.Box, face.Box) > MatchIoU)
                        {
                            best = face;
                        }
                    }

                    sum += best?.Score ?? 0f;
                    landmarks ??= best?.Landmarks;
                }

                var box = candidate.Box;
                candidates.Add(box.X, box.Y, box.Right, box.Bottom, sum / perMember.Length, landmarks);
            }
        }
    }
}
