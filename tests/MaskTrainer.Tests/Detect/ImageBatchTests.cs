using System.Text.Json;
using MaskTrainer.Detect.Cli;
using MaskTrainer.Imaging;
using MaskTrainer.Tests.Imaging;
using MaskTrainer.Tests.Pipeline;
using MaskTrainer.Tests.TestSupport;
using OpenCvSharp;

namespace MaskTrainer.Tests.Detect;

/// <summary>--images end to end, in process, with the pipeline tests' small trained model; inputs are copied into a temp folder.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ImageBatchTests(TrainedModelFixture fixture)
{
    private const string People = "data/faces-dlib/images/2008_002506.jpg";
    private const string Dogs = "data/faces-dlib/images/dogs.jpg";

    [SharedFact("data/mask-sample", "models", People, Dogs)]
    public async Task A_folder_gives_a_json_line_per_image_with_its_path_an_error_per_corrupt_file_and_annotated_copies()
    {
        using var temp = new TempFolder();
        var input = Inputs(temp, "2008_002506.jpg", "dogs.jpg");
        var broken = Path.Combine(input, "broken.JPG");
        File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 1, 2, 3, 4, 5]);
        var notes = Path.Combine(input, "notes.txt");
        File.WriteAllText(notes, "not an image");
        var output = temp.File("annotated"); // does not exist yet

        var (code, stdout, stderr) = await Detect("--images", input, "--json", "--output", output);

        code.Should().Be(ExitCodes.Error, "one image could not be read: " + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(4, "two images and the broken one's error, in name order, then the summary");
        using (var people = JsonDocument.Parse(lines[0]))
        using (var error = JsonDocument.Parse(lines[1]))
        using (var dogs = JsonDocument.Parse(lines[2]))
        {
            error.RootElement.GetProperty("path").GetString().Should().Be(broken);
            error.RootElement.GetProperty("error").GetString().Should().StartWith($"{broken}: ");
            people.RootElement.GetProperty("path").GetString().Should().Be(Path.Combine(input, "2008_002506.jpg"));
            people.RootElement.GetProperty("frame").GetInt64().Should().Be(0);
            people.RootElement.GetProperty("faces").GetArrayLength().Should().Be(3);
            dogs.RootElement.GetProperty("path").GetString().Should().Be(Path.Combine(input, "dogs.jpg"));
            dogs.RootElement.GetProperty("faces").GetArrayLength().Should().Be(0);
        }

        using (var summary = JsonDocument.Parse(lines[3]))
        {
            var s = summary.RootElement.GetProperty("summary");
            (s.GetProperty("images").GetInt64(), s.GetProperty("faces").GetInt64(), s.GetProperty("skipped").GetInt32(), s.GetProperty("failed").GetInt32())
                .Should().Be((2, 3, 1, 1));
            s.GetProperty("stopReason").GetString().Should().Be("endOfInput");
        }

        var errors = stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        errors.Should().ContainSingle().Which.Should().StartWith($"error: {broken}: ");
        stderr.Should().Contain($"skipped {notes}: not an image extension (.txt)\n");
        stderr.Should().Contain("2 images, 3 faces (3 classified), 1 skipped, 1 failed in ");

        Directory.GetFiles(output).Select(Path.GetFileName).Should().BeEquivalentTo(["2008_002506.jpg", "dogs.jpg"], "no temp files, no copy of a failed image");
        using var original = ImageCodec.Read(SharedData.Full(People));
        using var annotated = ImageCodec.Read(Path.Combine(output, "2008_002506.jpg"));
        annotated.Size().Should().Be(original.Size());
        using var difference = new Mat();
        Cv2.Absdiff(original, annotated, difference);
        Cv2.CountNonZero(difference.CvtColor(ColorConversionCodes.BGR2GRAY)).Should().BeGreaterThan(1000, "boxes and labels are drawn");
    }

    [SharedFact("data/mask-sample", "models", People)]
    public async Task An_image_gives_the_same_result_alone_and_after_another_image()
    {
        // The hardest case for leaking state: the image before is the same photo, so a tracker
        // or smoother carried over would match every face (other track ids, "classified": false).
        using var temp = new TempFolder();
        var first = temp.File("a.jpg");
        var second = temp.File("b.jpg");
        File.Copy(SharedData.Full(People), first);
        File.Copy(SharedData.Full(People), second);

        var (aloneCode, alone, aloneErrors) = await Detect("--images", second, "--json");
        var (afterCode, after, afterErrors) = await Detect("--images", first, second, "--json");

        aloneCode.Should().Be(ExitCodes.Ok, aloneErrors);
        afterCode.Should().Be(ExitCodes.Ok, afterErrors);
        var aloneLine = alone.Split('\n')[0];
        var afterLines = after.Split('\n');
        aloneLine.Should().Contain("\"faces\":[{").And.Contain("\"classified\":true");
        afterLines[1].Should().Be(aloneLine);
        afterLines[0].Should().Be(aloneLine.Replace("b.jpg", "a.jpg", StringComparison.Ordinal));
    }

    [SharedFact("data/mask-sample", "models", People)]
    public async Task An_output_folder_that_is_an_input_folder_is_refused_before_anything_is_written()
    {
        using var temp = new TempFolder();
        var photo = temp.File("photo.jpg");
        File.Copy(SharedData.Full(People), photo);
        var before = File.ReadAllBytes(photo);

        foreach (var args in new[] { new[] { "--images", temp.Path, "--output", temp.Path + Path.DirectorySeparatorChar }, ["--images", photo, "--output", temp.Path] })
        {
            var (code, stdout, stderr) = await Detect(args);
            code.Should().Be(ExitCodes.Error);
            stdout.Should().BeEmpty();
            stderr.Should().EndWith("the output folder is an input folder; the annotated copies would replace the originals\n")
                .And.StartWith("error: ");
            stderr.TrimEnd('\n').Should().NotContain("\n");
        }

        File.ReadAllBytes(photo).Should().Equal(before);
        Directory.GetFiles(temp.Path).Should().ContainSingle();
    }

    [SharedFact("data/mask-sample", "models", People)]
    public async Task An_input_that_is_a_link_to_a_file_in_the_output_folder_is_refused_before_anything_is_written()
    {
        // The copy goes to output/<name>: when that is the input's own file under another name,
        // the original photo was replaced by its annotated copy (exit 0, "wrote 1 annotated images").
        using var temp = new TempFolder();
        var photos = Directory.CreateDirectory(temp.File("photos")).FullName;
        var party = Path.Combine(photos, "party.jpg");
        File.Copy(SharedData.Full(People), party);
        var before = File.ReadAllBytes(party);
        var selected = Directory.CreateDirectory(temp.File("selected")).FullName;
        var symlink = Path.Combine(selected, "party.jpg");
        File.CreateSymbolicLink(symlink, party);
        var linkedFolder = temp.File("photos-link");
        Directory.CreateSymbolicLink(linkedFolder, photos);
        var cases = new List<(string[] Args, string Input)>
        {
            (["--images", selected, "--output", photos], symlink),
            (["--images", symlink, "--output", photos], symlink),
            (["--images", linkedFolder, "--output", photos], linkedFolder),
            (["--images", selected, "--output", linkedFolder], symlink),
        };
        if (OperatingSystem.IsLinux())
        {
            var hard = Directory.CreateDirectory(temp.File("hard")).FullName;
            cases.Add((["--images", hard, "--output", photos], HardLink.Create(Path.Combine(hard, "party.jpg"), party)));
        }

        foreach (var (args, input) in cases)
        {
            var (code, stdout, stderr) = await Detect([.. args, "--json"]);
            code.Should().Be(ExitCodes.Error, string.Join(' ', args));
            stdout.Should().BeEmpty("refused before the models load");
            stderr.Should().StartWith("error: ").And.EndWith("\n").And.Contain(input.StartsWith(linkedFolder, StringComparison.Ordinal) ? "the output folder is an input folder" : $"{input}: its annotated copy ");
            stderr.TrimEnd('\n').Should().NotContain("\n");
            File.ReadAllBytes(party).Should().Equal(before, string.Join(' ', args));
        }

        Directory.GetFiles(photos).Should().ContainSingle("no temp file either");
    }

    [SharedFact("data/mask-sample", "models", People, Dogs)]
    public async Task A_copy_that_cannot_be_written_is_one_error_and_the_batch_goes_on()
    {
        using var temp = new TempFolder();
        var inputs = Inputs(temp, "a.jpg", "b.jpg");
        var output = temp.File("out");
        Directory.CreateDirectory(Path.Combine(output, "a.jpg")); // a folder where a.jpg's copy should go

        var (code, stdout, stderr) = await Detect("--images", inputs, "--output", output, "--json");

        code.Should().Be(ExitCodes.Error, "one image failed");
        stderr.Should().StartWith($"error: {Path.Combine(output, "a.jpg")}: cannot write the annotated copy: a folder of that name is in the way\n");
        File.Exists(Path.Combine(output, "b.jpg")).Should().BeTrue("the next image is still done");
        // The JSON lines say which image the summary's "failed" counts.
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var error = lines.Should().ContainSingle(l => l.ToString().Contains("\"error\"")).Which;
        error.GetProperty("path").GetString().Should().Be(Path.Combine(inputs, "a.jpg"));
        error.GetProperty("error").GetString().Should().StartWith($"{Path.Combine(output, "a.jpg")}: cannot write the annotated copy: ");
        var summary = lines[^1].GetProperty("summary");
        summary.GetProperty("failed").GetInt32().Should().Be(1);

        // The counts are the lines': a.jpg's faces line was printed before its copy failed.
        var faceLines = lines.Where(l => l.TryGetProperty("faces", out _)).ToList();
        faceLines.Should().HaveCount(2);
        faceLines[0].GetProperty("faces").GetArrayLength().Should().Be(3, "a.jpg is the people photo");
        summary.GetProperty("images").GetInt64().Should().Be(faceLines.Count, "images whose faces line was printed");
        summary.GetProperty("faces").GetInt64().Should().Be(faceLines.Sum(l => l.GetProperty("faces").GetArrayLength()));
        summary.GetProperty("classifications").GetInt64().Should().Be(3);
        stderr.Should().Contain($"wrote 1 annotated image to {output}\n", "only b.jpg's copy was written");
    }

    [SharedFact("data/mask-sample", "models", Dogs)]
    public async Task The_batch_stops_between_images_when_nothing_reads_its_json_lines_any_more()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the closed-pipe check is poll(2)'s
        }

        // The real process, as `./detect.sh --images many --json | head -1` runs it: it read every image for nobody, exit 0.
        using var temp = new TempFolder();
        var many = Directory.CreateDirectory(temp.File("many")).FullName;
        const int Count = 30;
        for (int i = 0; i < Count; i++)
        {
            File.Copy(SharedData.Full(Dogs), Path.Combine(many, $"{i:00}.jpg"));
        }

        var output = temp.File("annotated");
        using var app = DetectProcess.Start([.. Common(), "--images", many, "--json", "--output", output]);
        var stderr = app.StandardError.ReadToEndAsync();

        var first = await app.StandardOutput.ReadLineAsync();
        app.StandardOutput.Close();
        bool ended = app.WaitForExit(TimeSpan.FromSeconds(120));
        if (!ended)
        {
            app.Kill(entireProcessTree: true);
        }

        first.Should().StartWith("{\"path\":");
        ended.Should().BeTrue();
        var errors = await stderr;
        app.ExitCode.Should().Be(ExitCodes.OutputClosed, errors);
        var stopped = System.Text.RegularExpressions.Regex.Match(errors, @"stopped after (\d+) images?: nothing reads the JSON lines any more \(stdout was closed\)\n");
        stopped.Success.Should().BeTrue(errors);
        int done = int.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        done.Should().BeInRange(1, Count - 1, "it stops between images");
        Directory.GetFiles(output).Should().HaveCount(done, "the images processed kept their copies");
    }

    [SharedFact("data/mask-sample", "models", People)]
    public async Task An_output_folder_that_cannot_be_written_is_one_error_before_the_models_load()
    {
        // A read-only folder loaded the models, processed every image, then failed every copy;
        // one that could not be created gave .NET's raw "Read-only file system : '<path>'".
        using var temp = new TempFolder();
        var photo = temp.File("photo.jpg");
        File.Copy(SharedData.Full(People), photo);
        var notes = temp.File("notes.txt");
        File.WriteAllText(notes, "a file where a folder should be");
        var cases = new List<(string Output, string Error)>
        {
            (Path.Combine(notes, "annotated"), $"error: {Path.Combine(notes, "annotated")}: {notes} is a file, not a folder\n"),
        };
        if (OperatingSystem.IsLinux())
        {
            // The kernel's own folder: nothing can be created in it, not even by root (whom a read-only mode would not stop).
            cases.Add(("/proc", "error: /proc: no file can be created in /proc\n"));
            cases.Add(("/proc/annotated", "error: /proc/annotated: no file can be created in /proc\n"));
        }

        foreach (var (output, error) in cases)
        {
            var (code, stdout, stderr) = await Detect("--images", photo, "--output", output, "--json");
            (code, stdout, stderr).Should().Be((ExitCodes.Error, "", error));
        }
    }

    /// <summary>A folder "in" holding copies of the people photo and of dogs.jpg under the names given.</summary>
    private static string Inputs(TempFolder temp, string peopleName, string dogsName)
    {
        var folder = Directory.CreateDirectory(temp.File("in")).FullName;
        File.Copy(SharedData.Full(People), Path.Combine(folder, peopleName));
        File.Copy(SharedData.Full(Dogs), Path.Combine(folder, dogsName));
        return folder;
    }

    private string[] Common() => ["--model", fixture.Run!.ModelPath, "--models-dir", SharedData.Full("models"), "--no-window"];

    private Task<(int Code, string Stdout, string Stderr)> Detect(params string[] args) => CommandLineTests.Invoke([.. Common(), .. args]);
}
