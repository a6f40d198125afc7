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
            output.Commit();
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

    [Theory]
    [InlineData("h3-odd.mp4")]
    [InlineData("h3-odd.avi")]
    public void An_odd_sized_frame_keeps_its_last_column_and_row(string name)
    {
        // OpenCV's FFmpeg writer takes even sizes only and cut 501x377 to 500x376: the white last
        // column and row were lost. Now the file is 502x378, the extra column and row copies of them.
        using var temp = new TempFolder();
        var path = temp.File(name);
        using (var output = new VideoFileOutput(path, 25))
        {
            using var frame = new Mat(377, 501, MatType.CV_8UC3, Scalar.All(0));
            using (var column = frame.Col(500))
            using (var row = frame.Row(376))
            {
                column.SetTo(Scalar.All(255));
                row.SetTo(Scalar.All(255));
            }

            for (int i = 0; i < 3; i++)
            {
                output.Write(frame);
            }

            output.Commit();
        }

        using var capture = VideoIo.OpenFile(path);
        (capture.FrameWidth, capture.FrameHeight).Should().Be((502, 378));
        using var read = new Mat();
        capture.Read(read).Should().BeTrue();
        using var grey = new Mat();
        Cv2.CvtColor(read, grey, ColorConversionCodes.BGR2GRAY);
        grey.At<byte>(180, 500).Should().BeGreaterThan(150, "the last column is in the file");
        grey.At<byte>(180, 501).Should().BeGreaterThan(150, "and the padding repeats it");
        grey.At<byte>(376, 250).Should().BeGreaterThan(150, "the last row is in the file");
        grey.At<byte>(377, 250).Should().BeGreaterThan(150);
        grey.At<byte>(180, 250).Should().BeLessThan(60);
    }

    [Fact]
    public void Nothing_is_created_when_no_frame_was_written()
    {
        using var temp = new TempFolder();
        using (var output = new VideoFileOutput(temp.File("never.mp4"), 25))
        {
            output.Commit();
        }

        Directory.GetFiles(temp.Path).Should().BeEmpty();
    }

    [Theory]
    [InlineData("x.mp4", false, null)]
    [InlineData("x.AVI", false, null)]
    [InlineData("x.png", true, null)]
    [InlineData("x.jpg", false, "x.jpg: video and camera input write a video: use .mp4, .m4v, .mov, .avi")]
    [InlineData("x.mp4", true, "x.mp4: --image writes an image: use .jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp")]
    [InlineData("x.gif", false, "x.gif: unknown output format '.gif' (use .mp4, .m4v, .mov, .avi for video, .jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp for an image)")]
    [InlineData("x", true, "x: unknown output format '' (use .mp4, .m4v, .mov, .avi for video, .jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp for an image)")]
    public void Output_paths_are_checked_before_any_work(string path, bool imageInput, string? problem) =>
        OutputFiles.Check(path, imageInput).Should().Be(problem);

    [Fact]
    public void A_failed_run_leaves_the_previous_video_as_it_was_and_a_finished_one_replaces_it()
    {
        using var temp = new TempFolder();
        var path = temp.File("out.mp4");
        File.WriteAllText(path, "the previous run's video");
        using var frame = new Mat(120, 160, MatType.CV_8UC3, Scalar.All(90));
        using (var failed = new VideoFileOutput(path, 25))
        {
            failed.Write(frame);
            File.ReadAllText(path).Should().Be("the previous run's video", "frames go to a file beside it until the run is complete");
        }

        File.ReadAllText(path).Should().Be("the previous run's video", "disposed without Commit: the run failed");
        Directory.GetFiles(temp.Path).Should().Equal([path], "the unfinished file is deleted");

        using (var finished = new VideoFileOutput(path, 25))
        {
            finished.Write(frame);
            finished.Write(frame);
            finished.Commit();
        }

        Directory.GetFiles(temp.Path).Should().Equal([path]);
        using var capture = VideoIo.OpenFile(path);
        capture.FrameCount.Should().Be(2);
    }

    [Fact]
    public void A_video_that_does_not_read_back_whole_does_not_replace_the_previous_one()
    {
        // OpenCV's writer reports no write error (a full disk leaves a cut file): here the frames'
        // file disappears under it, so what is left to commit cannot be read back.
        using var temp = new TempFolder();
        var path = temp.File("out.mp4");
        File.WriteAllText(path, "the previous run's video");
        using var frame = new Mat(120, 160, MatType.CV_8UC3, Scalar.All(90));
        using var output = new VideoFileOutput(path, 25);
        output.Write(frame);
        output.Write(frame);
        foreach (var partial in Directory.GetFiles(temp.Path, ".out.*.partial.mp4"))
        {
            File.Delete(partial);
        }

        var commit = () => output.Commit();

        commit.Should().Throw<IOException>().WithMessage($"{path}: the video could not be written whole (the unfinished file {temp.Path}/.out.*.partial.mp4 was removed while it was being written); nothing was put in its place");
        File.ReadAllText(path).Should().Be("the previous run's video");
        Directory.GetFiles(temp.Path).Should().Equal([path]);
    }

    [Fact]
    public void A_video_whose_folder_was_removed_while_it_was_written_says_so_and_the_sink_keeps_the_error()
    {
        // Not "disk full?": the folder is gone. The sink keeps the error for after the summary.
        var folder = Path.Combine(Path.GetTempPath(), "h4-gone-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "out.mp4");
        using var packet = DetectTestFrames.Packet(160, 120);
        var json = new StringWriter();
        using var writer = new JsonFrameWriter(json, ["with_mask", "without_mask"]);
        using var sink = new DetectorSink(new MaskTrainer.Detect.Rendering.OverlayRenderer(["with_mask", "without_mask"]), writer, new VideoFileOutput(path, 25));
        sink.Write(packet, 25);
        packet.Index = 1;
        sink.Write(packet, 25);
        Directory.Delete(folder, recursive: true);

        sink.Complete(userQuit: false, inputEnd: 2, CancellationToken.None).Should().BeFalse();

        sink.OutputError.Should().Be($"{path}: the video could not be written whole (its folder {folder} was removed while it was being written); nothing was put in its place");
        writer.WriteSummary(new MaskTrainer.Detect.Stats.RunSummary(2, 0, 0, 0.1, 1, 1, 1, MaskTrainer.Detect.Stats.StopReason.EndOfInput) { Error = sink.OutputError });
        var summary = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        using var doc = System.Text.Json.JsonDocument.Parse(summary);
        doc.RootElement.GetProperty("summary").GetProperty("error").GetString().Should().Be(sink.OutputError);
    }

    [Fact]
    public void A_folder_no_file_can_be_written_in_is_named_not_the_codec_nor_a_temp_file()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc takes no new files on Linux only
        }

        using var frame = new Mat(120, 160, MatType.CV_8UC3, Scalar.All(90));
        using var video = new VideoFileOutput("/proc/out.mp4", 25);
        var writeVideo = () => video.Write(frame);
        var writeImage = () => ImageCodec.Write("/proc/out.png", frame);

        writeVideo.Should().Throw<ImagingException>().WithMessage("/proc/out.mp4: no file can be created in /proc");
        writeImage.Should().Throw<ImagingException>().WithMessage("/proc/out.png: no file can be created in /proc");
    }

    [Fact]
    public void An_output_that_is_a_folder_a_file_in_the_path_or_the_input_itself_is_refused()
    {
        using var temp = new TempFolder();
        OutputFiles.Check(temp.Path, false).Should().Be($"{temp.Path}: is a folder; --output takes a file name, e.g. {Path.Combine(temp.Path, "annotated.mp4")}");

        var file = temp.File("notes");
        File.WriteAllText(file, "");
        OutputFiles.Check(Path.Combine(file, "x.mp4"), false).Should().Be($"{Path.Combine(file, "x.mp4")}: {file} is a file, not a folder");

        var input = temp.File("in.mp4");
        File.WriteAllText(input, "");
        var link = temp.File("link.mp4");
        File.CreateSymbolicLink(link, input);
        OutputFiles.Check(input, false, input).Should().Be($"{input}: is the input file; the annotated copy would replace the original (choose another name)");
        OutputFiles.Check(link, false, input).Should().StartWith($"{link}: is the input file", "a link to the input is the input");
        var linkedFolder = temp.File("linked");
        Directory.CreateSymbolicLink(linkedFolder, temp.Path);
        var throughLink = Path.Combine(linkedFolder, "in.mp4");
        OutputFiles.Check(throughLink, false, input).Should().StartWith($"{throughLink}: is the input file", "a path through a linked folder too");
        OutputFiles.Check(temp.File("out.mp4"), false, input).Should().BeNull();
    }

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
