using System.Text;
using System.Text.Json;
using MaskTrainer.Detect.Cli;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Tests.Imaging;
using MaskTrainer.Tests.Pipeline;

namespace MaskTrainer.Tests.Detect;

/// <summary>The detector app end to end, in process, with the pipeline tests' small trained model.</summary>
[Collection(PipelineCollection.Name)]
public sealed class DetectAppTests(TrainedModelFixture fixture)
{
    [SharedFact("data/mask-sample", "models")]
    public async Task A_photo_with_three_faces_gives_one_json_line_with_three_faces_then_the_summary()
    {
        var (code, stdout, stderr) = await Detect("--image", SharedData.Full("data/faces-dlib/images/2008_002506.jpg"), "--json");

        code.Should().Be(ExitCodes.Ok, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        using var frame = JsonDocument.Parse(lines[0]);
        frame.RootElement.GetProperty("frame").GetInt64().Should().Be(0);
        var faces = frame.RootElement.GetProperty("faces").EnumerateArray().ToList();
        faces.Should().HaveCount(3);
        var labels = fixture.Run!.Metadata.Labels;
        foreach (var f in faces)
        {
            labels.Should().Contain(f.GetProperty("label").GetString());
            f.GetProperty("faceScore").GetDouble().Should().BeInRange(0, 1);
            f.GetProperty("probability").GetDouble().Should().BeInRange(0.5, 1, "two classes: the shown label is the more probable");
            f.GetProperty("classified").GetBoolean().Should().BeTrue("every face is classified in its first frame");
        }

        faces.Select(f => f.GetProperty("track").GetInt32()).Should().OnlyHaveUniqueItems();
        using var summary = JsonDocument.Parse(lines[1]);
        var s = summary.RootElement.GetProperty("summary");
        (s.GetProperty("frames").GetInt64(), s.GetProperty("faces").GetInt64(), s.GetProperty("stopReason").GetString()).Should().Be((1, 3, "endOfInput"));
        stderr.Should().StartWith("1 frame, 3 faces");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task Faces_too_small_to_judge_raise_no_proximity_alert_the_same_faces_judged_do()
    {
        var photo = SharedData.Full("data/faces-dlib/images/2008_002506.jpg");
        var (code, stdout, stderr) = await Detect("--image", photo, "--json", "--min-face-size", "200", "--proximity-width", "0.1");
        var (judgedCode, judged, _) = await Detect("--image", photo, "--json", "--proximity-width", "0.1");

        code.Should().Be(ExitCodes.Ok, stderr);
        judgedCode.Should().Be(ExitCodes.Ok);
        using var small = JsonDocument.Parse(stdout.Split('\n')[0]);
        small.RootElement.GetProperty("faces").EnumerateArray().Should().HaveCount(3)
            .And.OnlyContain(f => f.GetProperty("state").GetString() == "too_small" && !f.GetProperty("alerts").EnumerateArray().Any(a => a.GetString() == "proximity"),
                "a face not judged is not known to be unmasked");
        using var big = JsonDocument.Parse(judged.Split('\n')[0]);
        big.RootElement.GetProperty("faces").EnumerateArray().Should().Contain(f => f.GetProperty("alerts").EnumerateArray().Any(a => a.GetString() == "proximity"),
            "the bare faces judged are over 0.1 of the frame wide");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task A_photo_without_people_reports_no_face_with_the_default_detector_and_the_annotated_image_is_written()
    {
        using var temp = new TempFolder();
        var output = temp.File("dogs.png");
        var (code, stdout, stderr) = await Detect("--image", SharedData.Full("data/faces-dlib/images/dogs.jpg"), "--json", "--output", output);

        code.Should().Be(ExitCodes.Ok, stderr);
        using var frame = JsonDocument.Parse(stdout.Split('\n')[0]);
        frame.RootElement.GetProperty("faces").GetArrayLength().Should().Be(0);
        using var written = ImageCodec.Read(output);
        using var original = ImageCodec.Read(SharedData.Full("data/faces-dlib/images/dogs.jpg"));
        written.Size().Should().Be(original.Size());
        stderr.Should().Contain($"wrote {output}");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task The_app_uses_the_live_detector_the_model_records_unless_told_otherwise()
    {
        // BlazeFace-back alone reports a face on dogs.jpg; the recorded default (FaceDetectors.LiveId) does not.
        using var temp = new TempFolder();
        var model = WithLiveDetector(temp.File("blazeface-live.zip"), "blazeface-back");

        var dogs = SharedData.Full("data/faces-dlib/images/dogs.jpg");
        string[] args = ["--image", dogs, "--json", "--models-dir", SharedData.Full("models"), "--no-window"];
        var (_, recorded, _) = await CommandLineTests.Invoke(["--model", fixture.Run!.ModelPath, .. args]);
        var (code, changed, stderr) = await CommandLineTests.Invoke(["--model", model, .. args]);
        var (_, overridden, _) = await CommandLineTests.Invoke(["--model", model, "--detector", MaskTrainer.Faces.FaceDetectors.LiveId, .. args]);

        code.Should().Be(ExitCodes.Ok, stderr);
        Faces(recorded).Should().Be(0);
        Faces(changed).Should().BeGreaterThan(0, "the model now records blazeface-back for live frames");
        Faces(overridden).Should().Be(0, "--detector wins over the model");
        Detector(recorded).Should().Be(MaskTrainer.Faces.FaceDetectors.LiveId, "the summary says which detector ran");
        Detector(changed).Should().Be("blazeface-back");
        Detector(overridden).Should().Be(MaskTrainer.Faces.FaceDetectors.LiveId);
        stderr.Should().Contain("; face detector blazeface-back\n");

        static string? Detector(string stdout)
        {
            using var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            return summary.RootElement.GetProperty("summary").GetProperty("detector").GetString();
        }

        static int Faces(string stdout)
        {
            using var frame = JsonDocument.Parse(stdout.Split('\n')[0]);
            return frame.RootElement.GetProperty("faces").GetArrayLength();
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task The_summary_names_the_detector_by_its_catalog_id_whatever_case_was_typed()
    {
        string[] args = ["--image", SharedData.Full("data/faces-dlib/images/dogs.jpg"), "--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--no-window", "-d", "ULTRAFACE"];

        var (code, stdout, stderr) = await CommandLineTests.Invoke([.. args, "--json"]);
        var (textCode, text, _) = await CommandLineTests.Invoke(args);

        (code, textCode).Should().Be((ExitCodes.Ok, ExitCodes.Ok), stderr);
        using var summary = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        summary.RootElement.GetProperty("summary").GetProperty("detector").GetString().Should().Be("ultraface");
        stderr.Should().Contain("; face detector ultraface\n").And.NotContain("ULTRAFACE");
        text.Should().Contain("; face detector ultraface\n").And.NotContain("ULTRAFACE");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task A_model_recording_an_unknown_live_detector_is_a_one_line_error_naming_the_file()
    {
        using var temp = new TempFolder();
        var model = WithLiveDetector(temp.File("future.zip"), "yolo9");

        var (code, stdout, stderr) = await CommandLineTests.Invoke("--image", SharedData.Full("data/faces-dlib/images/dogs.jpg"), "--model", model, "--no-window");

        code.Should().NotBe(ExitCodes.Ok);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith($"error: {model}: records the live face detector 'yolo9'").And.Contain("--detector");
        (await CommandLineTests.Invoke("--image", SharedData.Full("data/faces-dlib/images/dogs.jpg"), "--model", model, "--no-window", "--detector", "ultraface")).Code
            .Should().Be(ExitCodes.Ok, "--detector gets past it");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task A_model_whose_metadata_labels_are_not_its_own_is_a_one_line_error_naming_the_file()
    {
        // It was an ArgumentOutOfRangeException's stack trace from the classifier's warm-up.
        using var temp = new TempFolder();
        var model = ModelFiles.CopyWithMetadata(fixture.Run!.ModelPath, temp.File("three-labels.zip"),
            json => json.Replace("\"without_mask\"\n", "\"without_mask\", \"other\"\n"));

        var (code, stdout, stderr) = await CommandLineTests.Invoke("--image", SharedData.Full("data/faces-dlib/images/dogs.jpg"), "--model", model, "--no-window");

        code.Should().Be(ExitCodes.Error);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle()
            .Which.Should().Be($"error: {model}: metadata labels [with_mask, without_mask, other] do not match the model's [with_mask, without_mask]");
    }

    /// <summary>A copy of the fixture's model whose metadata records <paramref name="id"/> as its live detector.</summary>
    private string WithLiveDetector(string path, string id) =>
        ModelFiles.CopyWithMetadata(fixture.Run!.ModelPath, path, json =>
        {
            var recorded = $"\"liveDetectorId\": \"{MaskTrainer.Faces.FaceDetectors.LiveId}\"";
            json.Should().Contain(recorded, "training records the live detector");
            return json.Replace(recorded, $"\"liveDetectorId\": \"{id}\"");
        });

    [SharedFact("data/mask-sample", "models")]
    public async Task A_video_cut_short_gives_the_frames_it_has_and_a_warning_naming_the_file()
    {
        using var temp = new TempFolder();
        var cut = temp.File("cut.mp4");
        var bytes = File.ReadAllBytes(SharedData.Full("data/videos/Gituatu_mask.mp4"));
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]); // its index comes first, so it still opens
        var (code, stdout, stderr) = await Detect("--video", cut, "--json", "--detector", "ultraface");

        code.Should().Be(ExitCodes.Ok, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.Should().BeInRange(20, 230, "about half of the 244 frames, then the summary");
        stderr.Should().Contain($"warning: {cut}: the video ended after {lines.Length - 1} of its 244 frames (truncated or damaged?)");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task A_video_gives_ordered_json_lines_and_an_output_video_with_every_frame()
    {
        using var temp = new TempFolder();
        var output = temp.File("annotated.mp4");
        var (code, stdout, stderr) = await Detect("--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--max-frames", "12", "--json", "--output", output);

        code.Should().Be(ExitCodes.Ok, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(13);
        for (int i = 0; i < 12; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            doc.RootElement.GetProperty("frame").GetInt64().Should().Be(i);
            doc.RootElement.GetProperty("timeMs").GetDouble().Should().Be(i * 40, "25 fps");
        }

        using (var capture = VideoIo.OpenFile(output))
        {
            (capture.FrameWidth, capture.FrameHeight).Should().Be((720, 404));
            using var f = new Mat();
            int n = 0;
            while (capture.Read(f))
            {
                n++;
            }

            n.Should().Be(12);
        }

        stdout.Should().Contain("\"stopReason\":\"maxFrames\"", "a consumer can tell the run was cut short");
    }

    [SharedFact("data/mask-sample", "models", "data/videos/Gituatu_mask.mp4")]
    public async Task An_odd_sized_video_is_written_with_every_pixel()
    {
        // A real 501x377 video, written by OpenCV's own MJPEG writer (FFmpeg's would cut it to 500x376).
        using var temp = new TempFolder();
        var clip = temp.File("h3-odd-input.avi");
        using (var capture = VideoIo.OpenFile(SharedData.Full("data/videos/Gituatu_mask.mp4")))
        using (var writer = new VideoWriter(clip, VideoCaptureAPIs.OPENCV_MJPEG, FourCC.MJPG, 25, new Size(501, 377)))
        using (var frame = new Mat())
        using (var odd = new Mat())
        {
            for (int i = 0; i < 4 && capture.Read(frame); i++)
            {
                Cv2.Resize(frame, odd, new Size(501, 377));
                writer.Write(odd);
            }
        }

        using (var input = VideoIo.OpenFile(clip))
        {
            (input.FrameWidth, input.FrameHeight).Should().Be((501, 377), "the input is odd-sized");
        }

        var output = temp.File("h3-odd-annotated.mp4");
        var (code, _, stderr) = await Detect("--video", clip, "--output", output);
        code.Should().Be(ExitCodes.Ok, stderr);
        using var written = VideoIo.OpenFile(output);
        (written.FrameWidth, written.FrameHeight).Should().Be((502, 378), "no column or row is cut; one of each is added");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task A_hang_up_stops_the_real_app_as_ctrl_c_does_and_keeps_the_recording()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // SIGHUP: the terminal or the SSH session of a recording closed
        }

        // Before, SIGHUP's default ended the process at once: no summary, only an unplayable .partial file.
        using var temp = new TempFolder();
        var output = temp.File("recording.avi");
        using var app = DetectProcess.Start([.. Common(), "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--loop", "--json", "--output", output]);
        var stderr = app.StandardError.ReadToEndAsync();

        (await app.StandardOutput.ReadLineAsync()).Should().StartWith("{\"frame\":0,");
        DetectProcess.Signal(app, Posix.SigHup);

        var rest = await app.StandardOutput.ReadToEndAsync();
        app.WaitForExit(TimeSpan.FromSeconds(60)).Should().BeTrue();
        app.ExitCode.Should().Be(ExitCodes.Interrupted, await stderr);
        rest.Should().Contain("\"stopReason\":\"interrupted\"");
        using var capture = VideoIo.OpenFile(output);
        capture.FrameCount.Should().BeGreaterThan(0, "the recording was closed and put in place");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task Under_nohup_a_hang_up_is_still_ignored()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // `nohup ./detect.sh … &` is meant to outlive its terminal: the SIGHUP handler must not undo nohup's SIG_IGN.
        using var app = DetectProcess.Start([.. Common(), "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--loop", "--max-frames", "40", "--json"], wrapper: "nohup");
        var stderr = app.StandardError.ReadToEndAsync();

        (await app.StandardOutput.ReadLineAsync()).Should().StartWith("{\"frame\":0,");
        DetectProcess.Signal(app, Posix.SigHup);

        var rest = await app.StandardOutput.ReadToEndAsync();
        app.WaitForExit(TimeSpan.FromSeconds(60)).Should().BeTrue();
        app.ExitCode.Should().Be(ExitCodes.Ok, await stderr);
        rest.Should().Contain("\"stopReason\":\"maxFrames\"");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task The_app_stops_when_nothing_reads_its_json_lines_any_more()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the closed-pipe check is poll(2)'s
        }

        // The real process, as `./detect.sh --json | head -1` runs it: a looping video would never end.
        using var temp = new TempFolder();
        var output = temp.File("annotated.avi");
        using var app = DetectProcess.Start([.. Common(), "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--loop", "--json", "--output", output]);
        var stderr = app.StandardError.ReadToEndAsync();

        var first = await app.StandardOutput.ReadLineAsync();
        app.StandardOutput.Close();
        bool ended = app.WaitForExit(TimeSpan.FromSeconds(60));
        if (!ended)
        {
            app.Kill(entireProcessTree: true);
        }

        first.Should().StartWith("{\"frame\":0,");
        ended.Should().BeTrue("the app notices within a few frames that stdout was closed");
        app.ExitCode.Should().Be(ExitCodes.OutputClosed);
        (await stderr).Should().Contain("nothing reads the JSON lines any more (stdout was closed)");
        using var capture = VideoIo.OpenFile(output);
        capture.FrameCount.Should().BeGreaterThan(0, "the output is closed properly, as on Ctrl+C");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task Ctrl_C_during_the_start_up_stops_before_the_first_frame_and_says_so()
    {
        // Loading the model and the detectors takes seconds: a Ctrl+C then stops between the steps.
        using var temp = new TempFolder();
        var output = temp.File("never.mp4");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await DetectCommand.InvokeAsync(
            [.. Common(), "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--output", output],
            stdout, stderr, cancel.Token);

        code.Should().Be(ExitCodes.Interrupted);
        stderr.ToString().Trim().Should().Be("interrupted while starting; nothing was written");
        stdout.ToString().Should().BeEmpty();
        File.Exists(output).Should().BeFalse();
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task Ctrl_C_stops_cleanly_and_leaves_a_playable_video()
    {
        using var temp = new TempFolder();
        var output = temp.File("interrupted.avi");
        using var cancel = new CancellationTokenSource();
        var stdout = new LineCountingWriter(5, cancel); // "Ctrl+C" once 5 frames are out
        var stderr = new StringWriter();

        var code = await DetectCommand.InvokeAsync(
            [.. Common(), "--video", SharedData.Full("data/videos/Gituatu_mask.mp4"), "--loop", "--json", "--output", output],
            stdout, stderr, cancel.Token);

        code.Should().Be(ExitCodes.Interrupted, stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var summary = JsonDocument.Parse(lines[^1]);
        var s = summary.RootElement.GetProperty("summary");
        s.GetProperty("stopReason").GetString().Should().Be("interrupted");
        var frames = s.GetProperty("frames").GetInt64();
        frames.Should().Be(lines.Length - 1).And.BeGreaterThanOrEqualTo(5);
        stderr.ToString().Should().Contain($"interrupted after {frames} frames (outputs were closed)");

        using var capture = VideoIo.OpenFile(output);
        using var f = new Mat();
        int n = 0;
        while (capture.Read(f))
        {
            n++;
        }

        n.Should().Be((int)frames, "every processed frame made it into a finished file");
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task Input_and_model_errors_are_one_line_naming_the_file()
    {
        using var temp = new TempFolder();
        var junkModel = temp.File("junk.zip");
        File.WriteAllText(junkModel, "not a zip");
        var missingVideo = temp.File("missing.mp4");
        var missingImage = temp.File("missing.jpg");

        await Expect(["--video", missingVideo], $"error: {missingVideo}: video file not found");
        await Expect(["--image", missingImage], $"error: {missingImage}: file not found");
        await Expect(["--camera", "7"], "error: camera 7 could not be opened (no /dev/video7?)", skipUnless: !File.Exists("/dev/video7") && OperatingSystem.IsLinux());
        await Expect(["--video", temp.Path], $"error: {temp.Path}: is a folder, not a video file");
        var notVideo = temp.File("notes.jpg"); // OpenCV opens it (as an image sequence) and reads no frame
        File.WriteAllText(notVideo, "not a video");
        await Expect(["--video", notVideo], $"error: {notVideo}: no frame could be read (not a video OpenCV's back-ends can decode, or damaged)");
        var video = SharedData.Full("data/videos/Gituatu_mask.mp4");
        await Expect(["--video", video, "--output", video], $"error: {video}: is the input file; the annotated copy would replace the original (choose another name)");
        await Expect(["--video", video, "--output", temp.Path], $"error: {temp.Path}: is a folder; --output takes a file name, e.g. {Path.Combine(temp.Path, "annotated.mp4")}");
        var subfoldersOnly = Directory.CreateDirectory(temp.File("classes")).FullName;
        Directory.CreateDirectory(Path.Combine(subfoldersOnly, "with_mask"));
        File.Copy(SharedData.Full("data/faces-dlib/images/dogs.jpg"), Path.Combine(subfoldersOnly, "with_mask", "dogs.jpg"));
        File.Copy(SharedData.Full("data/faces-dlib/images/dogs.jpg"), Path.Combine(subfoldersOnly, ".hidden.jpg"));
        await Expect(["--images", subfoldersOnly], $"error: --images {subfoldersOnly}: no image files found (.jpg, .jpeg, .jpe, .jfif, .png, .bmp, .webp; sub-folders are not searched)");
        await Expect(["--image", SharedData.Full("data/faces-dlib/images/dogs.jpg"), "--models-dir", temp.File("h3-nowhere")],
            $"error: --models-dir: the models folder {temp.File("h3-nowhere")} given does not exist");

        // Known only once the model is loaded, but a wrong option value all the same: a usage error.
        var (labelCode, labelOut, labelErr) = await Detect("--image", SharedData.Full("data/faces-dlib/images/dogs.jpg"), "--mask-label", "hat");
        (labelCode, labelOut, labelErr).Should().Be((ExitCodes.Usage, "", "error: --mask-label 'hat' is not one of the model's labels (with_mask, without_mask) (see --help)\n"));

        var (code, _, stderr) = await CommandLineTests.Invoke("--image", SharedData.Full("data/faces-dlib/images/dogs.jpg"), "--model", junkModel, "--no-window");
        code.Should().Be(ExitCodes.Error);
        stderr.Should().StartWith($"error: {junkModel}: ").And.EndWith("\n");
        stderr.TrimEnd('\n').Should().NotContain("\n");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_named_pipe_is_never_opened_in_an_images_folder_nor_as_the_image_or_the_model()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes are told apart by statx(2), on Linux only
        }

        // Each of them hung the app for ever, waiting for a writer.
        using var temp = new TempFolder();
        var folder = Directory.CreateDirectory(temp.File("photos")).FullName;
        var dogs = Path.Combine(folder, "dogs.jpg");
        File.Copy(SharedData.Full("data/faces-dlib/images/dogs.jpg"), dogs);
        var pipe = NamedPipe.Create(Path.Combine(folder, "pipe.jpg"));
        var pipeModel = NamedPipe.Create(temp.File("model.zip"));

        var (code, stdout, stderr) = NamedPipe.Within(pipe, () => Detect("--images", folder, "--json").GetAwaiter().GetResult());

        code.Should().Be(ExitCodes.Error, "an image of the batch failed");
        stderr.Should().Contain($"error: {pipe}: a named pipe (FIFO), not a regular file\n");
        stdout.Should().Contain("dogs.jpg", "the batch goes on past it");

        (code, stdout, stderr) = NamedPipe.Within(pipe, () => Detect("--image", pipe).GetAwaiter().GetResult());
        (code, stderr).Should().Be((ExitCodes.Error, $"error: {pipe}: a named pipe (FIFO), not a regular file\n"));
        stdout.Should().StartWith("0 images, 0 faces (0 classified), 0 skipped, 1 failed in ", "as --images counts it");

        (code, stdout, stderr) = NamedPipe.Within(pipeModel, () => CommandLineTests.Invoke("--image", dogs, "--model", pipeModel, "--no-window").GetAwaiter().GetResult());
        (code, stdout, stderr).Should().Be((ExitCodes.Error, "", $"error: {pipeModel}: a named pipe (FIFO), not a regular file\n"));
    }

    [SharedFact("data/mask-sample", "models")]
    public async Task An_image_that_does_not_decode_is_reported_as_images_reports_it()
    {
        using var temp = new TempFolder();
        var bad = temp.File("h4-bad.jpg");
        File.WriteAllText(bad, "x\n");
        string error = $"{bad}: not a JPEG, PNG, BMP or WebP image (starts with 780A)";

        var (code, stdout, stderr) = await Detect("--image", bad, "--json");
        var (batchCode, batchOut, _) = await Detect("--images", bad, "--json");

        (code, batchCode).Should().Be((ExitCodes.Error, ExitCodes.Error));
        stderr.Should().StartWith($"error: {error}\n0 images, 0 faces (0 classified), 0 skipped, 1 failed in ");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var batchLines = batchOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines[0].Should().Be(batchLines[0]).And.Be(JsonSerializer.Serialize(new { path = bad, error }));
        using var summary = JsonDocument.Parse(lines[1]);
        using var batchSummary = JsonDocument.Parse(batchLines[1]);
        var s = summary.RootElement.GetProperty("summary");
        var b = batchSummary.RootElement.GetProperty("summary");
        foreach (var name in new[] { "images", "skipped", "failed", "frames", "faces", "stopReason" })
        {
            s.GetProperty(name).ToString().Should().Be(b.GetProperty(name).ToString(), name);
        }

        s.GetProperty("failed").GetInt32().Should().Be(1);

        // A file that is not there is an error before anything, as with --images.
        (code, stdout, _) = await Detect("--image", temp.File("h4-missing.jpg"), "--json");
        (code, stdout).Should().Be((ExitCodes.Error, ""));
    }

    [Fact]
    public async Task A_missing_model_says_how_to_get_one()
    {
        var (code, stdout, stderr) = await CommandLineTests.Invoke("--image", "whatever.jpg", "--no-window");
        code.Should().Be(ExitCodes.Error);
        stdout.Should().BeEmpty();
        stderr.Should().Be($"error: {Path.Combine("artifacts", "mask_model.zip")}: model file not found (train one with ./train.sh, or pass --model)\n");
    }

    private async Task Expect(string[] args, string error, bool skipUnless = true)
    {
        if (!skipUnless)
        {
            return;
        }

        var (code, stdout, stderr) = await Detect(args);
        code.Should().Be(ExitCodes.Error, string.Join(' ', args));
        stdout.Should().BeEmpty();
        stderr.Should().Be(error + "\n");
    }

    private string[] Common() => ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--no-window"];

    private Task<(int Code, string Stdout, string Stderr)> Detect(params string[] args) => CommandLineTests.Invoke([.. Common(), .. args]);

    /// <summary>Collects output and cancels once <c>count</c> lines were written, like a user pressing Ctrl+C mid-run.</summary>
    private sealed class LineCountingWriter(int count, CancellationTokenSource cancel) : StringWriter
    {
        private int _lines;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char[] buffer, int index, int length)
        {
            base.Write(buffer, index, length);
            for (int i = index; i < index + length; i++)
            {
                if (buffer[i] == '\n' && ++_lines == count)
                {
                    cancel.Cancel();
                }
            }
        }
    }
}
