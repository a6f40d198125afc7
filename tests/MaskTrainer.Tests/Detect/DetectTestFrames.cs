using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Classification;
using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Detect;

/// <summary>Builds frames, packets and small videos for the detector tests.</summary>
internal static class DetectTestFrames
{
    /// <summary>A packet with a black frame and the given faces (labels: 0 = with_mask, 1 = without_mask).</summary>
    public static FramePacket Packet(int width, int height, params (Rect Box, bool Mask, FaceAlerts Alerts)[] faces)
    {
        var packet = new FramePacket();
        using (var black = new Mat(height, width, MatType.CV_8UC3, Scalar.All(0)))
        {
            black.CopyTo(packet.Frame);
        }

        var span = packet.ResetFaces(faces.Length);
        for (int i = 0; i < faces.Length; i++)
        {
            var p = faces[i].Mask ? 0.9f : 0.2f;
            span[i] = new FaceResult
            {
                Box = faces[i].Box,
                Score = 0.987654f,
                TrackId = i + 1,
                Classified = i == 0,
                Verdict = faces[i].Mask ? new FaceVerdict(0, p, true, p) : new FaceVerdict(1, 1 - p, false, p),
                Alerts = faces[i].Alerts,
            };
        }

        return packet;
    }

    /// <summary>Writes an MJPG .avi of <paramref name="frames"/> frames whose pixel value is the frame number x 10 (for order checks).</summary>
    public static string WriteNumberedVideo(string path, int frames, int width = 160, int height = 120, double fps = 25)
    {
        using var writer = VideoIo.CreateWriter(path, "MJPG", fps, new Size(width, height));
        for (int i = 0; i < frames; i++)
        {
            using var frame = new Mat(height, width, MatType.CV_8UC3, Scalar.All(i * 10 % 250));
            writer.Write(frame);
        }

        return path;
    }

    /// <summary>The B, G, R bytes of one pixel.</summary>
    public static (byte B, byte G, byte R) Pixel(Mat image, int x, int y)
    {
        var bytes = image.GetBytes();
        int i = (y * image.Cols + x) * 3;
        return (bytes[i], bytes[i + 1], bytes[i + 2]);
    }
}
