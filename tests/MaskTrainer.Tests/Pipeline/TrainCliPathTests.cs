using System.IO.Compression;

namespace MaskTrainer.Tests.Pipeline;

/// <summary>
/// A path option that names the wrong kind of thing (a file for a folder, a photo for the model):
/// one line naming the option or the file and the real problem, exit code 1, before any work and
/// without touching the file. None of these runs needs a model or a dataset.
/// </summary>
public sealed class TrainCliPathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("masktrainer-paths-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Workspace => Path.Combine(_root, "workspace");

    [Fact]
    public void Data_that_is_a_file_is_named_as_a_file_not_as_a_missing_folder()
    {
        var photo = Photo("photo.jpg");

        foreach (var command in new[] { "train", "evaluate" })
        {
            var stderr = RunExpectingFailure(command, "--data", photo, "--workspace", Workspace);

            stderr.Should().Be($"error: --data: '{photo}' is a file, not a folder (give the folder with one sub-folder per class, e.g. with_mask/ and without_mask/)");
        }
    }

    [Fact]
    public void Output_that_is_an_existing_file_other_than_a_model_zip_is_not_overwritten()
    {
        var data = Directory.CreateDirectory(Path.Combine(_root, "data", "with_mask")).Parent!.FullName;
        var photo = Photo(Path.Combine("data", "with_mask", "0417.jpg"));
        var notes = Photo("notes.txt");
        var before = File.ReadAllBytes(photo);

        RunExpectingFailure("--data", data, "--workspace", Workspace, "-o", photo)
            .Should().Be($"error: {photo}: exists and is not a model zip; refusing to overwrite it (name a new file, an old model, or a folder)");
        RunExpectingFailure("--data", Path.Combine(_root, "elsewhere"), "--workspace", Workspace, "-o", notes)
            .Should().Contain("not a model zip");
        File.ReadAllBytes(photo).Should().Equal(before);
        Directory.GetFileSystemEntries(Path.Combine(_root, "data", "with_mask")).Should().ContainSingle("no metrics.json or report/ were written beside it");
    }

    [Fact]
    public void Output_that_is_a_zip_but_not_one_of_our_models_is_not_overwritten()
    {
        // Any zip used to be replaced: a photo archive, a .docx (a .xlsx, a .jar) start with "PK" too.
        var data = Directory.CreateDirectory(Path.Combine(_root, "data", "with_mask")).Parent!.FullName;
        var photos = Path.Combine(_root, "photos.zip");
        using (var zip = ZipFile.Open(photos, ZipArchiveMode.Create))
        {
            zip.CreateEntryFromFile(Photo("holiday.jpg"), "holiday.jpg");
        }

        var damaged = Path.Combine(_root, "damaged.zip");
        File.WriteAllBytes(damaged, [.. "PK\x03\x04"u8, 1, 2, 3]);
        var before = File.ReadAllBytes(photos);

        RunExpectingFailure("--data", data, "--workspace", Workspace, "-o", photos)
            .Should().Be($"error: {photos}: exists and is a zip but not a MaskTrainer model (no MaskTrainer/metadata.json in it); refusing to overwrite it (name a new file, an old model, or a folder)");
        RunExpectingFailure("--data", data, "--workspace", Workspace, "-o", damaged)
            .Should().Be($"error: {damaged}: exists and is not a model zip; refusing to overwrite it (name a new file, an old model, or a folder)");
        File.ReadAllBytes(photos).Should().Equal(before);
    }

    [Theory]
    [InlineData("data/with_mask/")]
    [InlineData("data/")]
    [InlineData("data/model.zip")]
    public void Output_inside_the_data_folder_is_refused(string output)
    {
        var data = Directory.CreateDirectory(Path.Combine(_root, "data", "with_mask")).Parent!.FullName;

        var stderr = RunExpectingFailure("--data", data, "--workspace", Workspace, "-o", Path.Combine(_root, output));

        stderr.Should().StartWith("error: ").And.Contain($"cannot write the model inside the data folder {data}");
        Directory.GetFileSystemEntries(data).Should().ContainSingle();
    }

    [Fact]
    public void Output_where_no_file_can_be_written_is_refused_before_any_work_naming_the_folder()
    {
        // It was found after the featurizing and the head, in .NET's words about our temp file:
        // "Read-only file system : '.../rofs/mask_model.zip.tmp-43b569cc62a3'".
        var data = Directory.CreateDirectory(Path.Combine(_root, "data", "with_mask")).Parent!.FullName;
        if (OperatingSystem.IsLinux())
        {
            RunExpectingFailure("--data", data, "--workspace", Workspace, "-o", "/proc/x.zip")
                .Should().Be("error: /proc/x.zip: cannot write the model (-o): no file can be created in /proc");
        }

        using var readOnly = TmpfsMount.TryCreate(Path.Combine(_root, "rofs"), "64k", readOnly: true);
        if (readOnly is null)
        {
            return;
        }

        foreach (var (output, folder) in new[] { ("rofs/", "rofs"), ("rofs/new/m.zip", "rofs/new") })
        {
            var model = Path.Combine(_root, output);
            RunExpectingFailure("--data", data, "--workspace", Workspace, "-o", model)
                .Should().Be($"error: {(output.EndsWith('/') ? Path.Combine(model, "mask_model.zip") : model)}: cannot write the model (-o): cannot write in {Path.Combine(_root, folder)} (Read-only file system)");
        }
    }

    [Fact]
    public void The_write_check_of_output_leaves_no_file_or_folder_behind()
    {
        // The probe and the folders made for it are removed: a run that fails later leaves nothing.
        var data = Directory.CreateDirectory(Path.Combine(_root, "data", "with_mask")).Parent!.FullName;
        var output = Path.Combine(_root, "out", "deeper", "m.zip");

        var (code, _, stderr) = TrainCli.Run("--data", data, "--workspace", Workspace, "-o", output);

        code.Should().Be(1);
        stderr.Should().StartWith("error: ").And.Contain(data, "the data folder's problem ends this run, after the check of -o");
        Directory.Exists(Path.Combine(_root, "out")).Should().BeFalse();
    }

    [Fact]
    public void Predict_crops_must_be_a_folder()
    {
        var photo = Photo("photo.jpg");
        var before = File.ReadAllBytes(photo);

        RunExpectingFailure("predict", "--model", Path.Combine(_root, "no-model.zip"), "--crops", photo, photo)
            .Should().Be($"error: --crops: '{photo}' is a file, not a folder (--crops names a folder to write the face crops into)");
        RunExpectingFailure("predict", "--model", Path.Combine(_root, "no-model.zip"), "--crops", Path.Combine(photo, "crops"), photo)
            .Should().Be($"error: --crops: cannot create '{Path.Combine(photo, "crops")}': {photo} is a file, not a folder");
        File.ReadAllBytes(photo).Should().Equal(before);

        // Crops are named after the file's name: two inputs of one name would overwrite each other's.
        var other = Path.Combine(Directory.CreateDirectory(Path.Combine(_root, "other")).FullName, "photo.jpg");
        File.Copy(photo, other);
        RunExpectingFailure("predict", "--model", Path.Combine(_root, "no-model.zip"), "--crops", Path.Combine(_root, "crops"), photo, other)
            .Should().StartWith($"error: --crops: {other} has the same name as {photo}; ");
    }

    [Fact]
    public void Synth_masks_output_and_faces_must_be_folders()
    {
        var file = Photo("afile");
        var faces = Directory.CreateDirectory(Path.Combine(_root, "faces")).FullName;

        RunExpectingFailure("synth-masks", "--faces", faces, "--output", file)
            .Should().Be($"error: --output: '{file}' is a file, not a folder (--output names the folder to write with_mask/ and without_mask/ into)");
        RunExpectingFailure("synth-masks", "--faces", faces, "-o", Path.Combine(file, "pairs"))
            .Should().Be($"error: -o: cannot create '{Path.Combine(file, "pairs")}': {file} is a file, not a folder");
        RunExpectingFailure("synth-masks", "--faces", file, "--output", Path.Combine(_root, "out"))
            .Should().Be($"error: --faces: '{file}' is a file, not a folder (--faces names a folder of photos)");
        RunExpectingFailure("synth-masks", "--faces", faces, "--output", faces + Path.DirectorySeparatorChar)
            .Should().Be($"error: --output: '{faces}{Path.DirectorySeparatorChar}' is the --faces folder; write the pairs to another folder");
    }

    private string Photo(string name)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        return path;
    }

    private string RunExpectingFailure(params string[] args)
    {
        var (code, stdout, stderr) = TrainCli.Run(args);

        code.Should().Be(1, stderr);
        stdout.Should().BeEmpty();
        Directory.Exists(Workspace).Should().BeFalse("the check comes before any work");
        return stderr.Trim().Split('\n').Should().ContainSingle().Subject.TrimEnd('\r');
    }
}
