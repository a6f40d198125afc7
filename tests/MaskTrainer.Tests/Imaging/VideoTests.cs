using System.Diagnostics;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

public sealed class VideoTests
{
    [Theory]
    [InlineData("clip.mp4", "mp4v")]
    [InlineData("clip.avi", "MJPG")]
    public void Writes_a_video_and_reads_it_back(string name, string fourcc)
    {
        using var dir = new TempFolder();
        var path = dir.File(name);
        var size = new Size(160, 120);
        using (var writer = VideoIo.CreateWriter(path, fourcc, 15, size))
        {
            using var frame = new Mat(size.Height, size.Width, MatType.CV_8UC3, Scalar.All(0));
            for (var i = 0; i < 30; i++)
            {
                frame.SetTo(Scalar.All(0));
                Cv2.Rectangle(frame, new Rect(i * 4, 40, 20, 20), new Scalar(0, 255, 255), -1);
                writer.Write(frame);
            }

            writer.Dispose();
            writer.Dispose(); // idempotent
        }

        using var capture = VideoIo.OpenFile(path);
        capture.FrameWidth.Should().Be(160);
        capture.FrameHeight.Should().Be(120);
        capture.Fps.Should().BeApproximately(15, 0.01);
        capture.FrameCount.Should().Be(30);
        using var read = new Mat();
        var frames = 0;
        while (capture.Read(read))
        {
            read.Size().Should().Be(size);
            frames++;
        }

        frames.Should().Be(30);
    }

    [Fact]
    public void Writer_refuses_frames_that_do_not_match()
    {
        using var dir = new TempFolder();
        var path = dir.File("clip.avi");
        using var writer = VideoIo.CreateWriter(path, "MJPG", 10, new Size(64, 48));
        using var wrong = new Mat(48, 65, MatType.CV_8UC3, Scalar.All(0));

        var act = () => writer.Write(wrong);

        act.Should().Throw<ImagingException>().WithMessage($"{path}: frame is 65x48 U8C3, the writer expects 64x48 U8C3");
    }

    [Fact]
    public void Writer_into_a_missing_folder_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid(), "clip.avi");

        var act = () => VideoIo.CreateWriter(path, "MJPG", 10, new Size(64, 48)).Dispose();

        act.Should().Throw<ImagingException>().WithMessage($"{path}: cannot write video, folder * does not exist");
    }

    [SharedFact("data/videos/Gituatu_mask.mp4")]
    public void Reads_the_shared_video()
    {
        using var capture = VideoIo.OpenFile(SharedData.Full("data/videos/Gituatu_mask.mp4"));
        using var frame = new Mat();

        capture.Fps.Should().BeApproximately(25, 0.1);
        capture.FrameCount.Should().Be(244);
        var frames = 0;
        while (capture.Read(frame))
        {
            frame.Type().Should().Be(MatType.CV_8UC3);
            frame.Size().Should().Be(new Size(720, 404));
            frames++;
        }

        frames.Should().Be(244);
        capture.Get(VideoCaptureProperties.PosFrames).Should().Be(244);
    }

    [SharedFact("data/videos/Gituatu_nomask.mp4")]
    public void One_decoding_thread_gives_the_same_frames_as_the_default()
    {
        var path = SharedData.Full("data/videos/Gituatu_nomask.mp4");
        using var threaded = VideoIo.OpenFile(path);
        using var single = VideoIo.OpenFile(path, decodeThreads: 1);
        using var a = new Mat();
        using var b = new Mat();

        single.Get(VideoIo.DecodeThreadsProperty).Should().Be(1, "the open parameter reached the decoder");
        if (Cv2.GetNumberOfCpus() > 1)
        {
            threaded.Get(VideoIo.DecodeThreadsProperty).Should().BeGreaterThan(1, "the default decodes on every core OpenCV sees");
        }

        for (int i = 0; i < 40; i++)
        {
            threaded.Read(a).Should().BeTrue();
            single.Read(b).Should().BeTrue();
            b.Size().Should().Be(new Size(1280, 720));
            Cv2.Norm(a, b, NormTypes.INF).Should().Be(0, $"frame {i} decodes to the same pixels on one thread");
        }
    }

    [Fact]
    public void Decoding_threads_are_asked_of_FFmpeg_only_so_an_image_sequence_still_opens()
    {
        using var dir = new TempFolder();
        using (var frame = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(90)))
        {
            for (int i = 0; i < 3; i++)
            {
                Cv2.ImWrite(dir.File($"frame{i:000}.png"), frame);
            }
        }

        using var capture = VideoIo.OpenFile(dir.File("frame%03d.png"), VideoCaptureAPIs.IMAGES, decodeThreads: 1);
        using var read = new Mat();
        int frames = 0;
        while (capture.Read(read) && !read.Empty())
        {
            frames++;
        }

        frames.Should().Be(3);
    }

    [Fact]
    public void Missing_or_unreadable_video_files_are_named()
    {
        using var dir = new TempFolder();
        var missing = dir.File("missing.mp4");
        var text = dir.File("notes.mp4");
        File.WriteAllText(text, "not a video");

        Assert.Throws<ImagingException>(() => VideoIo.OpenFile(missing)).Message.Should().Be($"{missing}: video file not found");
        Assert.Throws<ImagingException>(() => VideoIo.OpenFile(text)).Message.Should().StartWith($"{text}: cannot open video");
        Assert.Throws<ImagingException>(() => VideoIo.OpenFile(missing, decodeThreads: 1)).Message.Should().Be($"{missing}: video file not found");
        Assert.Throws<ImagingException>(() => VideoIo.OpenFile(text, decodeThreads: 1)).Message.Should().StartWith($"{text}: cannot open video");
    }

    [Fact]
    public void Missing_camera_fails_fast_with_a_clear_message()
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<CameraUnavailableException>(() => VideoIo.OpenCamera(9));

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
        error.Index.Should().Be(9);
        error.Message.Should().Be(OperatingSystem.IsLinux()
            ? "camera 9 could not be opened (no /dev/video9?)"
            : "camera 9 could not be opened (not connected, in use, or no permission?)");
    }

    [Fact]
    public void Camera_that_opencv_cannot_open_fails_with_a_clear_message()
    {
        // The FFmpeg back-end cannot open camera indices: this goes through OpenCV's own failure path.
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<CameraUnavailableException>(() => VideoIo.OpenCamera(9, VideoCaptureAPIs.FFMPEG));

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
        error.Message.Should().StartWith("camera 9 could not be opened");
    }
}
