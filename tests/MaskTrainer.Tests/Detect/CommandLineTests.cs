using MaskTrainer.Detect.Cli;

namespace MaskTrainer.Tests.Detect;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("use only one of --camera, --video, --image and --images", "--camera", "1", "--video", "a.mp4")]
    [InlineData("use only one of --camera, --video, --image and --images", "--image", "a.jpg", "--video", "a.mp4")]
    [InlineData("use only one of --camera, --video, --image and --images", "--image", "a.jpg", "--images", "b")]
    [InlineData("--loop needs --video", "--loop")]
    [InlineData("--realtime needs --video", "--camera", "1", "--realtime")]
    [InlineData("--max-frames applies to a video or camera, not to --images", "--images", "a", "--max-frames", "1")]
    [InlineData("--threshold must be between 0 and 1, got 1.5", "--threshold", "1.5")]
    [InlineData("--smoothing must be more than 0 and at most 1, got 0", "--smoothing", "0")]
    [InlineData("--min-face-confidence must be between 0 and 1, got 2", "--min-face-confidence", "2")]
    [InlineData("--min-face-size must be 0 or more, got -4", "--min-face-size", "-4")]
    [InlineData("--min-distance: 'far' is not a distance: use pixels (\"120\" or \"120px\") or face widths (\"3w\")", "--min-distance", "far")]
    [InlineData("--proximity-width must be 0 or more, got -0.1", "--proximity-width", "-0.1")]
    [InlineData("--proximity-width must be 0 or more, got NaN", "--proximity-width", "NaN")]
    [InlineData("--proximity-width must be a number with a decimal point, got '0,25'", "--proximity-width", "0,25")]
    [InlineData("--threshold must be a number with a decimal point, got '0,5'", "--threshold", "0,5")]
    [InlineData("--reclassify-every must be 1 or more, got 0", "--reclassify-every", "0")]
    [InlineData("--hold-frames must be between 0 and 10, got -1", "--hold-frames", "-1")]
    [InlineData("--hold-frames must be between 0 and 10, got 11", "--hold-frames", "11")]
    [InlineData("--camera must be 0 or more, got -1", "--camera", "-1")]
    [InlineData("--max-frames must be 0 or more, got -5", "--max-frames", "-5")]
    [InlineData("--hold-frames must be a whole number, got 'abc'", "--hold-frames", "abc")]
    [InlineData("--reclassify-every must be a whole number, got 'x'", "--reclassify-every", "x")]
    [InlineData("--camera must be a whole number, got 'front'", "--camera", "front")]
    [InlineData("--max-frames must be a whole number, got '1.5'", "--max-frames", "1.5")]
    [InlineData("--threshold must be a number, got 'half'", "--threshold", "half")]
    [InlineData("--detector 'nope': unknown face detector (known: cascade, ensemble, res10, blazeface-back, blazeface-back-verified, blazeface, ultraface, ultraface-tiles, ultraface-back-tiles, multiscale, haar)", "--detector", "nope")]
    [InlineData("o.mkv: unknown output format '.mkv' (use .mp4, .m4v, .mov, .avi for video, .jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp for an image)", "--video", "a.mp4", "-o", "o.mkv")]
    [InlineData("noext: unknown output format '' (use .mp4, .m4v, .mov, .avi for video, .jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp for an image)", "--camera", "1", "--output", "noext")]
    [InlineData("h4-o\\nx.mkv: unknown output format '.mkv' (use .mp4, .m4v, .mov, .avi for video, .jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp for an image)", "--video", "a.mp4", "-o", "h4-o\nx.mkv")]
    [InlineData("--output '' needs a file name", "--image", "a.jpg", "-o", "")]
    [InlineData("--model: the path is empty", "--image", "a.jpg", "--model", "")]
    [InlineData("--models-dir: the path is empty", "--image", "a.jpg", "--models-dir", "m", "--models-dir", " ")]
    [InlineData("--video: the path is empty", "--video", "")]
    [InlineData("--images: the path is empty", "--images", "a.jpg", "")]
    [InlineData("--output '' needs a folder name", "--images", "photos", "-o", "")]
    [InlineData("x.mp4: --image writes an image: use .jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp", "--image", "a.jpg", "-o", "x.mp4")]
    [InlineData("x.png: video and camera input write a video: use .mp4, .m4v, .mov, .avi", "--video", "a.mp4", "-o", "x.png")]
    [InlineData("--camera: 99999999999 is out of range (0 to 2147483647)", "--camera", "99999999999")]
    [InlineData("--hold-frames: 99999999999 is out of range (0 to 10)", "--hold-frames", "99999999999")]
    [InlineData("--min-face-size: -99999999999 is out of range (0 to 2147483647)", "--min-face-size", "-99999999999")]
    [InlineData("--reclassify-every: 99999999999 is out of range (1 to 2147483647)", "--reclassify-every", "99999999999")]
    [InlineData("--max-frames: 99999999999999999999 is out of range (0 to 9223372036854775807)", "--max-frames", "99999999999999999999")]
    [InlineData("--threshold must be between 0 and 1, got 1e9", "--threshold", "1e9")]
    [InlineData("--max-frames applies to a video or camera, not to --image", "--image", "a.jpg", "--max-frames", "5")]
    [InlineData("--hold-frames applies to a video or camera, not to --image", "--image", "a.jpg", "--hold-frames", "3")]
    [InlineData("--hold-frames applies to a video or camera, not to --images", "--images", "a", "--hold-frames", "0")]
    [InlineData("--video takes a file; stream and web URLs (rtsp://, http(s)://, udp://, ...) are not supported, got 'rtsp://127.0.0.1:1/x'", "--video", "rtsp://127.0.0.1:1/x")]
    [InlineData("--video takes a file; stream and web URLs (rtsp://, http(s)://, udp://, ...) are not supported, got 'http://example.com/x.mp4'", "--video", "http://example.com/x.mp4")]
    [InlineData("--image takes a file; stream and web URLs (rtsp://, http(s)://, udp://, ...) are not supported, got 'https://example.com/a.jpg'", "--image", "https://example.com/a.jpg")]
    [InlineData("--output names a folder with --images; h3-x.jpg is an image file's name and no such folder exists (give a folder, e.g. h3-x)", "--images", "a.jpg", "-o", "h3-x.jpg")]
    [InlineData("--output names a folder with --images; h3-out/x.mp4 is a video file's name and no such folder exists (give a folder, e.g. h3-out/x)", "--images", "a.jpg", "-o", "h3-out/x.mp4")]
    public async Task Invalid_command_lines_are_one_line_usage_errors(string message, params string[] args)
    {
        var (code, stdout, stderr) = await Invoke(args);
        code.Should().Be(ExitCodes.Usage);
        stdout.Should().BeEmpty();
        stderr.Should().Be($"error: {message} (see --help)\n");
    }

    [Fact]
    public void An_images_output_named_like_a_file_is_taken_when_such_a_folder_exists()
    {
        using var temp = new MaskTrainer.Tests.Imaging.TempFolder();
        var folder = Directory.CreateDirectory(temp.File("h3-copies.jpg")).FullName;
        var (root, read) = DetectCommand.Create(TextWriter.Null, TextWriter.Null, default);
        var parsed = root.Parse(["--images", "a.jpg", "-o", folder]);
        parsed.Errors.Should().BeEmpty();
        read(parsed).OutputPath.Should().Be(folder);
    }

    [Fact]
    public async Task Unknown_options_are_usage_errors()
    {
        var (code, _, stderr) = await Invoke("--frobnicate");
        code.Should().Be(ExitCodes.Usage);
        stderr.Should().Be("error: unknown option '--frobnicate' (see --help)\n", "the training app's words");

        (code, _, stderr) = await Invoke("--image", "a.jpg", "--imgae", "b.jpg");
        (code, stderr).Should().Be((ExitCodes.Usage, "error: unknown option '--imgae': did you mean '--image'? (see --help)\n"));

        (code, _, stderr) = await Invoke("--image", "a.jpg", "extra");
        (code, stderr).Should().Be((ExitCodes.Usage, "error: unexpected argument 'extra' (see --help)\n"));
    }

    [Fact]
    public async Task Help_lists_every_option()
    {
        var (code, stdout, _) = await Invoke("--help");
        code.Should().Be(0);
        foreach (var option in new[]
                 {
                     "--camera", "--video", "--image", "--images", "--model", "--models-dir", "--detector", "--min-face-confidence", "--min-face-size", "--threshold",
                     "--mask-label", "--proximity-width", "--min-distance", "--reclassify-every", "--hold-frames", "--smoothing", "--no-window",
                     "--output", "--json", "--loop", "--realtime", "--max-frames",
                 })
        {
            stdout.Should().Contain(option);
        }

        // What --max-frames does (docs/detector.md): it ends before that frame number, not after N frames processed.
        stdout.Should().Contain("Stop before frame number N of the input").And.NotContain("Stop after N frames");

        // --output's formats are the ones its check takes (the error message's lists), not a few of them.
        stdout.Should().Contain("Write the annotated video (.mp4, .m4v, .mov, .avi) or image (.jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp)");
    }

    [Fact]
    public void Options_are_read_with_their_documented_defaults()
    {
        var (root, read) = DetectCommand.Create(TextWriter.Null, TextWriter.Null, default);
        var o = read(root.Parse([]));
        o.Should().BeEquivalentTo(new DetectorOptions());
        o.Input.Should().Be(InputKind.Camera);
        o.CameraIndex.Should().Be(0);
        o.ModelPath.Should().Be(Path.Combine("artifacts", "mask_model.zip"));
        o.Threshold.Should().Be(0.5f);
        o.ProximityWidth.Should().Be(0.25);
        o.MinDistance.ToString().Should().Be("3w");
        o.ReclassifyEvery.Should().Be(4);
        o.HoldFrames.Should().Be(2);
        read(root.Parse(["--hold-frames", "0"])).HoldFrames.Should().Be(0);

        var v = read(root.Parse(["--video", "v.mp4", "--loop", "--min-distance", "150px", "--json", "--no-window", "-o", "o.mp4", "-t", "0.7", "--min-face-confidence", "0.6"]));
        v.Input.Should().Be(InputKind.Video);
        v.InputPath.Should().Be("v.mp4");
        v.Loop.Should().BeTrue();
        v.Realtime.Should().BeFalse();
        read(root.Parse(["--video", "v.mp4", "--realtime"])).Realtime.Should().BeTrue();
        v.MinDistance.ToString().Should().Be("150px");
        (v.Json, v.NoWindow, v.OutputPath, v.Threshold, v.MinFaceConfidence).Should().Be((true, true, "o.mp4", 0.7f, 0.6f));
        read(root.Parse(["--headless"])).NoWindow.Should().BeTrue();
        o.MinFaceSize.Should().BeNull("the model's own minimum unless given");
        o.DetectorId.Should().BeNull("the live detector the model records unless given");
        read(root.Parse(["--detector", "res10"])).DetectorId.Should().Be("res10");
        read(root.Parse(["--min-face-size", "0"])).MinFaceSize.Should().Be(0);
        read(root.Parse(["--image", "a.jpg"])).Input.Should().Be(InputKind.Image);

        var batch = read(root.Parse(["--images", "a.jpg", "photos", "--images", "more", "-o", "annotated"]));
        batch.Input.Should().Be(InputKind.Images);
        batch.ImagePaths.Should().Equal("a.jpg", "photos", "more");
        batch.OutputPath.Should().Be("annotated");
    }

    internal static async Task<(int Code, string Stdout, string Stderr)> Invoke(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = await DetectCommand.InvokeAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
