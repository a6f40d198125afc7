using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

/// <summary>
/// The apps keep OpenCV's log silent (<see cref="OpenCvLog.SilentUnlessAsked"/>): a picture it fails
/// to decode is our one line, without OpenCV's "[ERROR:…] imdecode_ …" line and a blank one beside it.
/// </summary>
public sealed class OpenCvLogTests
{
    [UnsetLogLevelFact]
    public void A_bmp_cut_short_is_one_line_of_ours_and_nothing_of_OpenCVs_once_it_is_silent()
    {
        using var image = ImageDecodeTests.Gradient(64, 48);
        var bmp = ImageCodec.Encode(".bmp", image);
        var cut = bmp.AsSpan(0, bmp.Length / 2).ToArray(); // the header is whole: OpenCV starts decoding, then fails
        var level = Cv2.GetLogLevel();
        try
        {
            Cv2.SetLogLevel(OpenCvSharp.LogLevel.ERROR); // OpenCV's errors shown, as before the apps silenced it
            NativeStderr.Capture(() => Decode(cut)).Should().Contain("imdecode_", "the test's file makes OpenCV log an error");

            OpenCvLog.SilentUnlessAsked();
            NativeStderr.Capture(() => Decode(cut)).Should().BeEmpty();
        }
        finally
        {
            Cv2.SetLogLevel(level);
        }
    }

    private static void Decode(byte[] bytes) =>
        Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(bytes, sourceName: "h2-cut.bmp").Dispose())
            .Message.Should().Be("h2-cut.bmp: corrupt or truncated Bmp data (64x48 header, OpenCV could not decode it)");
}

/// <summary>Skips, saying why, when OPENCV_LOG_LEVEL is set: the apps then keep the user's level.</summary>
internal sealed class UnsetLogLevelFactAttribute : FactAttribute
{
    public UnsetLogLevelFactAttribute()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPENCV_LOG_LEVEL")))
        {
            Skip = "OPENCV_LOG_LEVEL is set: the apps keep the user's level then";
        }
    }
}
