using System.IO.Compression;
using System.Text.RegularExpressions;
using MaskTrainer.Model;
using MaskTrainer.Tests.Pipeline;
using Microsoft.ML;

namespace MaskTrainer.Tests.Model;

/// <summary>The saved model is an ML.NET zip plus our metadata entry; bad files get one-line reasons.</summary>
[Collection(PipelineCollection.Name)]
public sealed class MaskModelFileTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly ZipTempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedFact("data/mask-sample", "models")]
    public void The_zip_is_a_plain_MLNET_model_with_our_metadata_entry()
    {
        var path = fixture.Run!.ModelPath;

        var ml = new MLContext();
        var transformer = ml.Model.Load(path, out _);
        transformer.Should().NotBeNull();
        (transformer as IDisposable)?.Dispose();
        using var zip = ZipFile.OpenRead(path);
        zip.GetEntry(ModelMetadata.EntryName).Should().NotBeNull();
        zip.GetEntry("TransformerChain/Model.key").Should().NotBeNull();
    }

    [SharedFact("data/mask-sample", "models")]
    public void Load_restores_labels_face_crop_backbone_and_metrics()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);

        model.Labels.Should().Equal("with_mask", "without_mask");
        model.FaceCrop.Should().Be(fixture.Run.Metadata.FaceCrop);
        model.FaceCrop.Enabled.Should().BeTrue();
        model.FaceCrop.BlankMargin.Should().BeTrue();
        model.Metadata.Backbone.Id.Should().Be(MaskTrainingOptions.DefaultBackbone);
        model.Metadata.Backbone.Sha256.Should().NotBeEmpty();
        model.Metadata.Backbone.FeatureSize.Should().BeGreaterThan(0);
        model.Metadata.Trainer.Should().Be(HeadOptions.Default.Trainer.ToString());
        model.FaceCrop.MinFaceSize.Should().Be(FaceCropPolicy.DefaultMinFaceSize, "the model records the smallest face it judges");
        model.FaceCrop.LiveDetectorId.Should().Be(MaskTrainer.Faces.FaceDetectors.LiveId, "and the detector for live frames");
        model.Metadata.Metrics!["count"]!.GetValue<int>().Should().Be(fixture.Run.TestMetrics.Count);
        model.Metadata.Dataset!["images"]!.GetValue<int>().Should().Be(2 * TrainedModelFixture.PerClass);

        var folder = Path.GetDirectoryName(fixture.Run.ModelPath)!;
        using var fromFolder = MaskModel.Load(folder);
        fromFolder.Labels.Should().Equal(model.Labels, "a folder holding mask_model.zip means that file");
        (fromFolder.FaceCrop, fromFolder.Metadata.Backbone.CacheKey).Should().Be((model.FaceCrop, model.Metadata.Backbone.CacheKey));
    }

    [SharedFact("data/mask-sample", "models")]
    public void Saving_twice_writes_the_same_bytes_and_a_failed_save_keeps_the_previous_file()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        var a = _folder.File("a.zip");
        var b = _folder.File("b.zip");

        model.Save(a);
        model.Save(b);

        File.ReadAllBytes(a).Should().Equal(File.ReadAllBytes(b));
        var before = File.ReadAllBytes(a);
        var act = () => AtomicFile.Write(a, s =>
        {
            s.Write(new byte[100]);
            throw new IOException("disk full (simulated)");
        });
        act.Should().Throw<IOException>();
        File.ReadAllBytes(a).Should().Equal(before);
        _folder.AllFiles().Should().Equal("a.zip", "b.zip");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Save_takes_the_paths_Load_takes_and_fails_in_one_line_naming_the_model_file()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);

        // A folder means mask_model.zip in it, as for Load: Save refused it ("Is a directory").
        var existing = _folder.Folder("h1-existing");
        model.Save(existing);
        using (var back = MaskModel.Load(existing))
        {
            back.Labels.Should().Equal(model.Labels);
        }

        // A new folder with a trailing separator: DirectoryNotFoundException, and an empty folder was left.
        var fresh = _folder.File("h1-new") + Path.DirectorySeparatorChar;
        model.Save(fresh);
        File.Exists(Path.Combine(fresh, MaskModel.DefaultFileName)).Should().BeTrue();

        // Failures name the model file, not the temp file (/proc/m.zip.tmp-...), in one line.
        var act = () => model.Save("/proc/m.zip");
        act.Should().Throw<ModelFileException>().Which.Message.Should().StartWith("/proc/m.zip: the model could not be saved: ")
            .And.NotContain(".tmp-").And.NotContain("\n");
        var blocker = _folder.File("h1-file");
        File.WriteAllText(blocker, "");
        act = () => model.Save(Path.Combine(blocker, "m.zip"));
        act.Should().Throw<ModelFileException>().Which.Message.Should().Be($"{Path.Combine(blocker, "m.zip")}: cannot save the model: {blocker} is a file, not a folder");
        Directory.CreateDirectory(_folder.File("h1-in-the-way/mask_model.zip"));
        act = () => model.Save(_folder.File("h1-in-the-way"));
        act.Should().Throw<ModelFileException>().WithMessage("*mask_model.zip: cannot save the model: a folder of that name is in the way");

        // A write that fails after its folder was made leaves no folder behind.
        var tooLong = Path.Combine(_folder.File("h1-made"), new string('m', 300) + ".zip");
        act = () => model.Save(tooLong);
        act.Should().Throw<ModelFileException>().Which.Message.Should().StartWith($"{tooLong}: the model could not be saved: ");
        Directory.Exists(_folder.File("h1-made")).Should().BeFalse("the folder made for the failed save is removed");
    }

    [Fact]
    public void A_process_ending_mid_write_leaves_no_temp_file_and_the_previous_file_whole()
    {
        // What a second Ctrl+C does: Environment.Exit runs ProcessExit (AtomicFile.DeleteUnfinished)
        // while the writing thread is still inside its write, and no catch of that thread runs.
        var path = _folder.File("model.zip");
        File.WriteAllBytes(path, [1, 2, 3]);
        string? tempSeen = null;

        var act = () => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            tempSeen = s.Name;
            AtomicFile.DeleteUnfinished();
        });

        act.Should().Throw<IOException>("the rename finds its temp file gone");
        File.Exists(tempSeen).Should().BeFalse();
        File.ReadAllBytes(path).Should().Equal([1, 2, 3]);
        _folder.AllFiles().Should().Equal("model.zip");
    }

    [Fact]
    public void Keep_existing_keeps_a_copy_another_process_put_in_place_first_and_leaves_no_temp_file()
    {
        // A cache entry two processes make at once: the first one's file stays (ours is identical).
        var path = _folder.File("graph.onnx");

        AtomicFile.Write(path, s =>
        {
            s.Write(new byte[] { 9, 9 });
            File.WriteAllBytes(path, [1, 2, 3]); // the other process's rename lands during our write
        }, keepExisting: true);

        File.ReadAllBytes(path).Should().Equal([1, 2, 3]);
        _folder.AllFiles().Should().Equal("graph.onnx");

        AtomicFile.Write(path, [4, 5]);
        File.ReadAllBytes(path).Should().Equal([4, 5], "without keepExisting the file is replaced");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Stream_overloads_round_trip()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var stream = new MemoryStream();

        model.Save(stream);
        stream.Position = 0;
        using var again = MaskModel.Load(stream);

        again.Metadata.Labels.Should().Equal(model.Labels);
        stream.ToArray().Should().Equal(File.ReadAllBytes(fixture.Run.ModelPath));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var act = () => MaskModel.Load("/nonexistent/m.zip");
        act.Should().Throw<ModelFileException>().WithMessage("/nonexistent/m.zip: model file not found*");

        var empty = _folder.Folder("empty");
        act = () => MaskModel.Load(empty);
        act.Should().Throw<ModelFileException>().WithMessage($"{empty}: a folder without a mask_model.zip in it*");

        // It said "a folder without a mask_model.zip in it" of a folder holding one that is a folder, or holding other zips.
        var nested = _folder.Folder("nested");
        Directory.CreateDirectory(Path.Combine(nested, "mask_model.zip"));
        act = () => MaskModel.Load(nested);
        act.Should().Throw<ModelFileException>().Which.Message.Should()
            .Be($"{nested}: {Path.Combine(nested, "mask_model.zip")} is a folder, not a model file (pass --model with the zip itself)");

        var renamed = _folder.Folder("renamed");
        File.WriteAllText(Path.Combine(renamed, "mask_model_v2.zip"), "");
        File.WriteAllText(Path.Combine(renamed, "b.zip"), "");
        act = () => MaskModel.Load(renamed);
        act.Should().Throw<ModelFileException>().Which.Message.Should()
            .Be($"{renamed}: a folder without a mask_model.zip in it; it holds b.zip, mask_model_v2.zip: pass --model with one of them");
    }

    [Fact]
    public void A_negative_thread_count_is_refused_before_the_file_is_looked_at()
    {
        // Any count up to 0 meant every core, unsaid; the docs define only 0 as that.
        var act = () => MaskModel.Load("/nonexistent/m.zip", threads: -3);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Be("threads must be 0 (one per core) or more, got -3 (Parameter 'threads')");

        FluentActions.Invoking(() => MaskModel.Load(new MemoryStream(), threads: -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("threads");
    }

    [Fact]
    public void A_folder_where_a_model_file_is_expected_means_the_mask_model_zip_in_it()
    {
        var existing = _folder.Folder("out");
        MaskModel.FileIn(existing).Should().Be(Path.Combine(existing, MaskModel.DefaultFileName));
        MaskModel.FileIn("new/").Should().Be(Path.Combine("new/", MaskModel.DefaultFileName), "a trailing separator names a folder that does not exist yet");
        MaskModel.FileIn(_folder.File("m.zip")).Should().Be(_folder.File("m.zip"));
        MaskModel.FileIn("artifacts/other").Should().Be("artifacts/other", "a path that is no folder is the file itself");
        MaskModel.DefaultPath.Should().Be(Path.Combine("artifacts", "mask_model.zip"));
    }

    [Fact]
    public void Training_output_with_a_new_name_without_an_extension_is_a_folder()
    {
        var newName = Path.Combine(_folder.Folder("runs"), "masks");
        MaskModel.OutputFileIn(newName).Should().Be(Path.Combine(newName, MaskModel.DefaultFileName), "-o runs/masks means the folder, as -o runs/masks/ does");
        MaskModel.OutputFileIn(_folder.File("new.zip")).Should().Be(_folder.File("new.zip"));
        var existingFile = _folder.File("plain");
        File.WriteAllText(existingFile, "");
        MaskModel.OutputFileIn(existingFile).Should().Be(existingFile, "an existing file keeps its name (it is refused later unless it is a model)");
        MaskModel.OutputFileIn(_folder.Folder("out")).Should().Be(Path.Combine(_folder.Folder("out"), MaskModel.DefaultFileName));
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_rejected_in_one_line()
    {
        var path = _folder.File("text.zip");
        File.WriteAllText(path, "hello");

        // Not .NET's "End of Central Directory record could not be found", which half a model gives too.
        var act = () => MaskModel.Load(path);
        act.Should().Throw<ModelFileException>().Which.Message.Should().Be(path + ": not a model zip (not a zip file at all; a model is the .zip ./train.sh writes)");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_truncated_model_is_rejected_in_one_line()
    {
        var path = _folder.File("half.zip");
        var bytes = File.ReadAllBytes(fixture.Run!.ModelPath);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var act = () => MaskModel.Load(path);
        act.Should().Throw<ModelFileException>().Which.Message.Should().StartWith(path + ": not a readable zip").And.NotContain("\n");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_damaged_model_says_so_in_one_line()
    {
        // A flipped bit reached ML.NET, whose "Error during class instantiation" did not say the file was damaged.
        var flipped = _folder.File("flipped.zip");
        var bytes = File.ReadAllBytes(fixture.Run!.ModelPath);
        for (int i = 0; i < 20; i++)
        {
            bytes[bytes.Length / 2 + i * 97] ^= 0x5A; // inside the backbone, the zip's largest entry
        }

        File.WriteAllBytes(flipped, bytes);
        FluentActions.Invoking(() => MaskModel.Load(flipped)).Should().Throw<ModelFileException>()
            .Which.Message.Should().MatchRegex($"^{Regex.Escape(flipped)}: the file is damaged \\((its zip checksums do not match, in .+|.+ cannot be unpacked)\\): copy or train it again$");

        // A zip whose checksums match but whose ML.NET part is not one ML.NET can load.
        var foreign = _folder.File("foreign-part.zip");
        File.Copy(fixture.Run.ModelPath, foreign);
        using (var zip = ZipFile.Open(foreign, ZipArchiveMode.Update))
        {
            var key = zip.Entries.First(e => e.FullName.EndsWith("/Model.key", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 2);
            var name = key.FullName;
            key.Delete();
            using var w = new StreamWriter(zip.CreateEntry(name).Open());
            w.Write("not an ML.NET model key");
        }

        FluentActions.Invoking(() => MaskModel.Load(foreign)).Should().Throw<ModelFileException>()
            .Which.Message.Should().StartWith($"{foreign}: the file is damaged or not a model of this tool (ML.NET: ").And.EndWith(")").And.NotContain("\n");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_damaged_model_that_ML_NET_would_load_is_refused_too()
    {
        // A flipped bit in a weight can inflate to other weights: ML.NET then loaded the model and it
        // scored differently without a word. Here the backbone's data is intact and its checksum in the
        // zip's central directory (what ZipArchive reads as Crc32) is not, which ML.NET never compares.
        var bytes = File.ReadAllBytes(fixture.Run!.ModelPath);
        var name = System.Text.Encoding.UTF8.GetBytes("TransformerChain/Transform_000/Transform_002/OnnxModel");
        int at = -1;
        for (int i = 0; i + 46 + name.Length <= bytes.Length && at < 0; i++)
        {
            if (BitConverter.ToUInt32(bytes, i) == 0x02014b50 && BitConverter.ToUInt16(bytes, i + 28) == name.Length
                && bytes.AsSpan(i + 46, name.Length).SequenceEqual(name))
            {
                at = i;
            }
        }

        at.Should().BePositive("the model zip has the backbone's central directory record");
        bytes[at + 16] ^= 0x01; // its CRC-32's lowest bit
        var path = _folder.File("crc-flipped.zip");
        File.WriteAllBytes(path, bytes);

        FluentActions.Invoking(() => MaskModel.Load(path)).Should().Throw<ModelFileException>()
            .Which.Message.Should().Be($"{path}: the file is damaged (its zip checksums do not match, in TransformerChain/Transform_000/Transform_002/OnnxModel): copy or train it again");
        using var stream = File.OpenRead(path);
        FluentActions.Invoking(() => MaskModel.Load(stream)).Should().Throw<ModelFileException>()
            .Which.Message.Should().StartWith("<stream>: the file is damaged (its zip checksums do not match");
    }

    [Fact]
    public void A_zip_from_elsewhere_is_not_a_MaskTrainer_model()
    {
        var path = _folder.File("other.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            w.Write("hi");
        }

        var act = () => MaskModel.Load(path);
        act.Should().Throw<ModelFileException>().WithMessage("*not a MaskTrainer model*");
    }

    [Fact]
    public void A_model_of_the_old_format_asks_for_retraining()
    {
        var path = _folder.File("old.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(zip.CreateEntry("manifest.json").Open());
            w.Write("{}");
        }

        var act = () => MaskModel.Load(path);
        act.Should().Throw<ModelFileException>().WithMessage("*older MaskTrainer*retrain*");
    }

    [SharedFact("data/mask-sample", "models")]
    public void An_MLNET_model_without_our_entry_and_a_newer_format_are_refused()
    {
        var foreign = _folder.File("foreign.zip");
        File.Copy(fixture.Run!.ModelPath, foreign);
        using (var zip = ZipFile.Open(foreign, ZipArchiveMode.Update))
        {
            zip.GetEntry(ModelMetadata.EntryName)!.Delete();
        }

        var newer = ModelFiles.CopyWithMetadata(fixture.Run.ModelPath, _folder.File("newer.zip"),
            json => json.Replace($"\"formatVersion\": {ModelMetadata.CurrentFormatVersion}", "\"formatVersion\": 99"));

        FluentActions.Invoking(() => MaskModel.Load(foreign)).Should().Throw<ModelFileException>().WithMessage("*ML.NET model without MaskTrainer's*");
        FluentActions.Invoking(() => MaskModel.Load(newer)).Should().Throw<ModelFileException>().WithMessage("*newer MaskTrainer (format 99*");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_negative_minimum_face_size_is_refused_in_one_line()
    {
        var path = ModelFiles.CopyWithMetadata(fixture.Run!.ModelPath, _folder.File("negative.zip"),
            json => System.Text.RegularExpressions.Regex.Replace(json, "\"minFaceSize\": *\\d+", "\"minFaceSize\": -3"));

        FluentActions.Invoking(() => MaskModel.Load(path)).Should().Throw<ModelFileException>()
            .Which.Message.Should().Contain("negative.zip").And.Contain("faceCrop.minFaceSize must be 0 or more, got -3").And.NotContain("\n");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Face_crop_options_out_of_range_are_refused_in_one_line()
    {
        // A hand-edited margin of 100 was loaded, and one photo then took 6.9 s; -3 cut every face to a pixel.
        foreach (var (field, value, problem) in new[]
        {
            ("margin", "-3", "faceCrop.margin must be between 0 and 1 (a fraction of the face box; training writes 0.2), got -3"),
            ("margin", "100", "faceCrop.margin must be between 0 and 1 (a fraction of the face box; training writes 0.2), got 100"),
            ("minConfidence", "1.5", "faceCrop.minConfidence must be between 0 and 1, got 1.5"),
        })
        {
            var path = Edited($"{field}{value}.zip", json => Regex.Replace(json, $"\"{field}\": *[-0-9.eE]+", $"\"{field}\": {value}"));
            FluentActions.Invoking(() => MaskModel.Load(path)).Should().Throw<ModelFileException>()
                .Which.Message.Should().Be($"{path}: {problem}");
        }

        var widest = Edited("margin1.zip", json => Regex.Replace(json, "\"margin\": *[-0-9.eE]+", "\"margin\": 1"));
        using var model = MaskModel.Load(widest);
        model.FaceCrop.Margin.Should().Be(1, "the limit itself is allowed");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Metadata_labels_that_are_not_the_models_own_are_refused_in_one_line()
    {
        // The ML.NET model keeps its own class names (the scorer's key values); the metadata's are
        // what Score is read by, so another order would invert every result and a third label
        // would index past the two scores.
        const string Recorded = "\"with_mask\",\n    \"without_mask\"";
        var swapped = Edited("swapped.zip", json => json.Replace(Recorded, "\"without_mask\", \"with_mask\""));
        var three = Edited("three.zip", json => json.Replace(Recorded, "\"a\", \"b\", \"c\""));

        foreach (var (path, listed) in new[] { (swapped, "without_mask, with_mask"), (three, "a, b, c") })
        {
            FluentActions.Invoking(() => MaskModel.Load(path)).Should().Throw<ModelFileException>()
                .Which.Message.Should().Be($"{path}: metadata labels [{listed}] do not match the model's [with_mask, without_mask]");
        }

        using var stream = File.OpenRead(swapped);
        FluentActions.Invoking(() => MaskModel.Load(stream)).Should().Throw<ModelFileException>().WithMessage("<stream>: metadata labels *");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Metadata_backbone_sizes_that_are_invalid_or_not_the_models_own_are_refused_in_one_line()
    {
        var zero = Edited("zero.zip", json => Regex.Replace(json, "\"inputWidth\": *\\d+", "\"inputWidth\": 0"));
        var other = Edited("other.zip", json => Regex.Replace(json, "\"inputHeight\": *\\d+", "\"inputHeight\": 100"));
        var features = Edited("features.zip", json => Regex.Replace(json, "\"featureSize\": *\\d+", "\"featureSize\": 7"));
        var noFeatures = Edited("no-features.zip", json => Regex.Replace(json, "\"featureSize\": *\\d+", "\"featureSize\": -1"));
        var (w, h, size) = (fixture.Run!.Metadata.Backbone.InputWidth, fixture.Run.Metadata.Backbone.InputHeight, fixture.Run.Metadata.Backbone.FeatureSize);

        foreach (var (path, problem) in new[]
        {
            (zero, $"backbone.inputWidth and inputHeight must be more than 0, got 0x{h}"),
            (other, $"metadata backbone input {w}x100 does not match the model's {w}x{h}"),
            (features, $"metadata backbone.featureSize 7 does not match the model's {size}"),
            (noFeatures, "backbone.featureSize must be more than 0, got -1"),
        })
        {
            FluentActions.Invoking(() => MaskModel.Load(path)).Should().Throw<ModelFileException>()
                .Which.Message.Should().Be($"{path}: {problem}");
        }
    }

    private string Edited(string name, Func<string, string> edit) =>
        ModelFiles.CopyWithMetadata(fixture.Run!.ModelPath, _folder.File(name), json =>
        {
            var edited = edit(json);
            edited.Should().NotBe(json, $"the edit of {name} must change the metadata");
            return edited;
        });
}
