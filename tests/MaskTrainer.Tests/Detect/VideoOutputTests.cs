using MaskTrainer.Detect.Output;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Tests.Imaging;

namespace MaskTrainer.Tests.Detect;

public sealed class VideoOutputTests
{
    [Theory]
    [InlineData("out.mp4")]
    [InlineData("out.avi")]
    public void The_written_video_reads_back_with_VideoCapture(string name)
    {
        using var temp = new TempFolder();
        var path = temp.File(name);
        using (var output = new VideoFileOutput(path, 20))
        {
            for (int i = 0; i < 12; i++)
            {
                using var frame = new Mat(240, 320, MatType.CV_8UC3, new Scalar(0, i * 20, 255 - i * 20));
                output.Write(frame);
            }

            output.FramesWritten.Should().Be(12);
        }

        using var capture = VideoIo.OpenFile(path);
        capture.FrameWidth.Should().Be(320);
        capture.FrameHeight.Should().Be(240);
        capture.Fps.Should().BeApproximately(20, 0.01);
        using var read = new Mat();
        int frames = 0;
        while (capture.Read(read))
        {
            if (frames == 11)
            {
                var (b, g, r) = DetectTestFrames.Pixel(read, 160, 120);
                ((int)g).Should().BeInRange(200, 240, "the last frame's colour survives compression");
                ((int)r).Should().BeInRange(15, 55);
            }

            frames++;
        }

        frames.Should().Be(12);
    }

    [Fact]
    public void Nothing_is_created_when_no_frame_was_written()
    {
        using var temp = new TempFolder();
        new VideoFileOutput(temp.File("never.mp4"), 25).Dispose();
        File.Exists(temp.File("never.mp4")).Should().BeFalse();
    }

    [Theory]
    [InlineData("x.mp4", false, null)]
    [InlineData("x.AVI", false, null)]
    [InlineData("x.png", true, null)]
    [InlineData("x.jpg", false, "x.jpg: video and camera input write a video: use .mp4 or .avi")]
    [InlineData("x.mp4", true, "x.mp4: --image writes an image: use .jpg or .png")]
    [InlineData("x.gif", false, "x.gif: unknown output format '.gif' (use .mp4 or .avi for video, .jpg or .png for an image)")]
    [InlineData("x", true, "x: unknown output format '' (use .mp4 or .avi for video, .jpg or .png for an image)")]
    public void Output_paths_are_checked_before_any_work(string path, bool imageInput, string? problem) =>
        OutputFiles.Check(path, imageInput).Should().Be(problem);

    [Fact]
    public void A_missing_output_folder_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), "mt-no-such-folder-" + Guid.NewGuid().ToString("N"), "out.mp4");
        OutputFiles.Check(path, false).Should().EndWith("does not exist").And.StartWith(path + ": folder ");
    }

    [Fact]
    public void Codecs_are_chosen_by_extension()
    {
        OutputFiles.FourCcFor("a.mp4").Should().Be("mp4v");
        OutputFiles.FourCcFor("a.MOV").Should().Be("mp4v");
        OutputFiles.FourCcFor("a.avi").Should().Be("MJPG");
    }
}
