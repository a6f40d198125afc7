using System.Diagnostics;
using MaskTrainer.Detect.Sources;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Tests.Imaging;

namespace MaskTrainer.Tests.Detect;

public sealed class FrameSourceTests
{
    private static readonly RetryPolicy Fast = new() { Retries = 3, Delay = TimeSpan.FromMilliseconds(5), ReopenFrom = 2 };

    [Fact]
    public void A_video_file_gives_its_frames_in_order_with_their_times()
    {
        using var temp = new TempFolder();
        var path = DetectTestFrames.WriteNumberedVideo(temp.File("v.avi"), 5, fps: 20);
        using var source = new VideoFileSource(path);
        source.IsLive.Should().BeFalse();
        source.Fps.Should().BeApproximately(20, 0.01);
        using var frame = new Mat();
        var times = new List<double>();
        var values = new List<int>();
        while (source.Read(frame, out var t))
        {
            times.Add(t);
            values.Add(DetectTestFrames.Pixel(frame, 10, 10).G);
        }

        times.Should().Equal(0, 50, 100, 150, 200);
        values.Should().HaveCount(5);
        values.Should().BeInAscendingOrder();
        source.Read(frame, out _).Should().BeFalse("it stays ended");
    }

    [Fact]
    public void A_video_declaring_1000_fps_is_timed_at_1000_fps()
    {
        // It was timed at 25 fps (40 ms a frame): only rates under 1000 were believed.
        using var temp = new TempFolder();
        var path = DetectTestFrames.WriteNumberedVideo(temp.File("v.avi"), 3, fps: 1000);
        using var source = new VideoFileSource(path);
        source.Fps.Should().BeApproximately(1000, 0.01);
        using var frame = new Mat();
        var times = new List<double>();
        while (source.Read(frame, out var t))
        {
            times.Add(t);
        }

        times.Should().HaveCount(3);
        times.Zip([0.0, 1, 2]).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 0.01);
    }

    [Fact]
    public void A_looped_video_starts_again_and_its_time_keeps_growing()
    {
        using var temp = new TempFolder();
        var path = DetectTestFrames.WriteNumberedVideo(temp.File("v.avi"), 4, fps: 25);
        using var source = new VideoFileSource(path, loop: true);
        using var frame = new Mat();
        var firstPixels = new List<int>();
        double last = -1;
        for (int i = 0; i < 10; i++)
        {
            source.Read(frame, out var t).Should().BeTrue();
            t.Should().BeGreaterThan(last);
            last = t;
            firstPixels.Add(DetectTestFrames.Pixel(frame, 0, 0).G);
        }

        firstPixels[4].Should().BeCloseTo(firstPixels[0], 3, "frame 4 is the first frame again");
        firstPixels[8].Should().BeCloseTo(firstPixels[0], 3);
        last.Should().Be(9 * 40);
    }

    [Fact]
    public void A_realtime_video_waits_for_each_frame_and_a_late_reader_gets_the_newest()
    {
        using var temp = new TempFolder();
        var path = DetectTestFrames.WriteNumberedVideo(temp.File("v.avi"), 20, fps: 10);
        using var source = new RealtimeSource(new VideoFileSource(path));
        source.IsLive.Should().BeTrue();
        using var frame = new Mat();

        // On time: frames 0, 1, 2, each returned once due (not before) and promptly.
        var times = new List<double>();
        long start = 0;
        for (int i = 0; i < 3; i++)
        {
            source.Read(frame, out var t).Should().BeTrue();
            var age = Stopwatch.GetElapsedTime(source.FrameTimestamp);
            age.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero).And.BeLessThan(TimeSpan.FromMilliseconds(80));
            start = i == 0 ? source.FrameTimestamp : start;
            times.Add(t);
        }

        times.Should().Equal(0, 100, 200);
        Stopwatch.GetElapsedTime(start, source.FrameTimestamp).TotalMilliseconds.Should().BeApproximately(200, 1, "frame 2 is due 200 ms after frame 0");
        source.Skipped.Should().Be(0);

        // Late by several frame-times: the frames in between are gone, as a camera's would be.
        Thread.Sleep(450);
        source.Read(frame, out var late).Should().BeTrue();
        int index = (int)Math.Round(late / 100);
        index.Should().BeGreaterThanOrEqualTo(6);
        source.Skipped.Should().Be(index - 3);
        Stopwatch.GetElapsedTime(source.FrameTimestamp).Should().BeLessThan(TimeSpan.FromMilliseconds(100 + 80), "the frame given is the newest due");
        ((int)DetectTestFrames.Pixel(frame, 10, 10).G).Should().BeCloseTo(index * 10 % 250, 4, "the pixels are that frame's");
    }

    [Fact]
    public void A_video_cut_short_is_read_to_where_it_stops_and_says_how_many_of_its_frames_it_gave()
    {
        using var temp = new TempFolder();
        var path = DetectTestFrames.WriteNumberedVideo(temp.File("v.avi"), 40);
        using var frame = new Mat();
        using (var whole = new VideoFileSource(path))
        {
            whole.ExpectedFrames.Should().Be(40);
            while (whole.Read(frame, out _))
            {
            }

            whole.Warning.Should().BeNull("every frame the container counts was there");
        }

        // The first half of the file, as a copy or a recording cut off would leave it.
        var cut = temp.File("cut.avi");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        using var source = new VideoFileSource(cut);
        int n = 0;
        while (source.Read(frame, out _))
        {
            n++;
        }

        n.Should().BeInRange(10, 30);
        source.Warning.Should().Be($"{cut}: the video ended after {n} of its 40 frames (truncated or damaged?)");
    }

    [Fact]
    public void Missing_and_unreadable_inputs_fail_with_the_file_name()
    {
        using var temp = new TempFolder();
        var missing = temp.File("missing.mp4");
        Assert.Throws<ImagingException>(() => new VideoFileSource(missing)).Message.Should().Be($"{missing}: video file not found");

        var junk = temp.File("junk.mp4");
        File.WriteAllText(junk, "not a video");
        Assert.Throws<ImagingException>(() => new VideoFileSource(junk)).Message.Should().StartWith($"{junk}: cannot open video");

        Assert.Throws<ImageDecodeException>(() => new ImageSource(temp.File("missing.jpg"))).Message.Should().Contain("missing.jpg").And.Contain("file not found");
    }

    [Fact]
    public void An_image_is_a_single_frame()
    {
        using var temp = new TempFolder();
        var path = temp.File("a.png");
        using (var img = new Mat(30, 40, MatType.CV_8UC3, new Scalar(1, 2, 3)))
        {
            ImageCodec.Write(path, img);
        }

        using var source = new ImageSource(path);
        using var frame = new Mat();
        source.Read(frame, out var t).Should().BeTrue();
        t.Should().Be(0);
        frame.Size().Should().Be(new Size(40, 30));
        source.Read(frame, out _).Should().BeFalse();
    }

    [Fact]
    public void A_live_source_that_stops_is_reopened_and_recovers()
    {
        using var temp = new TempFolder();
        var path = DetectTestFrames.WriteNumberedVideo(temp.File("v.avi"), 3);
        int opened = 0;

        // A video file stands in for a camera that stops after 3 frames; reopening it "reconnects".
        using var source = new RetryingSource(() => { opened++; return new VideoFileSource(path); }, Fast);
        using var frame = new Mat();
        for (int i = 0; i < 7; i++)
        {
            source.Read(frame, out _).Should().BeTrue($"frame {i}");
        }

        source.IsLive.Should().BeTrue();
        source.Reopens.Should().Be(2);
        opened.Should().Be(3);
        source.FailedReads.Should().Be(4, "two reads after each end: a plain retry, then a reopen");
    }

    [Fact]
    public void A_live_source_that_never_comes_back_ends_with_a_clear_message()
    {
        using var temp = new TempFolder();
        var path = DetectTestFrames.WriteNumberedVideo(temp.File("cam.avi"), 2);
        bool unplugged = false;
        using var source = new RetryingSource(() => unplugged ? throw new CameraUnavailableException(0, "camera 0 could not be opened (no /dev/video0?)") : new VideoFileSource(path), Fast);
        using var frame = new Mat();
        source.Read(frame, out _).Should().BeTrue();
        source.Read(frame, out _).Should().BeTrue();
        unplugged = true;

        var e = Assert.Throws<CameraStoppedException>(() => source.Read(frame, out _));
        e.Message.Should().StartWith($"{path} stopped delivering frames (no frame after 3 retries over ")
            .And.EndWith("s): camera 0 could not be opened (no /dev/video0?)");
        source.FailedReads.Should().Be(3);
    }

    [Fact]
    public void Cancelling_stops_the_retries_at_once()
    {
        using var temp = new TempFolder();
        var path = DetectTestFrames.WriteNumberedVideo(temp.File("cam.avi"), 1);
        using var cts = new CancellationTokenSource();
        using var source = new RetryingSource(() => new VideoFileSource(path), new RetryPolicy { Retries = 100, Delay = TimeSpan.FromSeconds(10) }, cts.Token);
        using var frame = new Mat();
        source.Read(frame, out _).Should().BeTrue();
        cts.Cancel();
        source.Read(frame, out _).Should().BeFalse();
    }

    [Fact]
    public void A_missing_camera_fails_at_once_with_its_index()
    {
        if (!OperatingSystem.IsLinux() || File.Exists("/dev/video7"))
        {
            return; // only checkable where /dev/video7 is known to be absent
        }

        Assert.Throws<CameraUnavailableException>(() => new CameraSource(7)).Message.Should().Be("camera 7 could not be opened (no /dev/video7?)");
    }
}
