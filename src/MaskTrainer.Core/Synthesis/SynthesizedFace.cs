using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Synthesis;

/// <summary>
/// One face of a photo after synthesis: either its crops (bare and masked, owned; dispose) or
/// the reason it was skipped. <see cref="Box"/> is in the photo's coordinates.
/// </summary>
public sealed record SynthesizedFace(Rect Box, float Score, FaceLandmarks? Landmarks, SkipReason? Skipped,
    Mat? Without, IReadOnlyList<Mat> Masked, IReadOnlyList<MaskAppearance> Appearances) : IDisposable
{
    public void Dispose()
    {
        Without?.Dispose();
        foreach (var m in Masked)
        {
            m.Dispose();
        }
    }
}
