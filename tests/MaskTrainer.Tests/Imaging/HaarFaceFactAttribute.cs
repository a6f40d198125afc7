using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

/// <summary>Skips when the shared face photo or OpenCV's frontal-face cascade (opencv-data) is missing.</summary>
public sealed class HaarFaceFactAttribute : FactAttribute
{
    public const string Cascade = "haarcascade_frontalface_default.xml";

    public HaarFaceFactAttribute()
    {
        if (SharedData.SkipReason("data/faces-dlib/images/2008_002506.jpg") is { } missing)
        {
            Skip = missing;
        }
        else if (OpenCvData.FindDataFile(Cascade) is null)
        {
            Skip = $"{Cascade} not installed (apt install opencv-data)";
        }
    }
}
