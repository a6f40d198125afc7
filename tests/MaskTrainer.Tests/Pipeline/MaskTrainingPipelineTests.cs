using System.Text.Json;
using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Faces;
using MaskTrainer.Features;

namespace MaskTrainer.Tests.Pipeline;

[Collection(PipelineCollection.Name)]
public sealed class MaskTrainingPipelineTests(TrainedModelFixture fixture)
{
    [SharedFact("data/mask-sample", "models")]
    public void Run_writes_model_metrics_and_report_and_learns_the_task()
    {
        var run = fixture.Run!;
        File.Exists(run.ModelPath).Should().BeTrue();
        File.Exists(run.MetricsPath).Should().BeTrue();
        File.Exists(run.ReportPath).Should().BeTrue();
        run.TestMetrics.Count.Should().Be(12, "20% of 30 per class is held out");
        run.TestMetrics.Accuracy.Should().BeGreaterThan(0.75, "even a 48-image training set separates masks from bare faces");
        run.Featurizing.FacesFound.Should().BeGreaterThan(run.Featurizing.FaceFallbacks, "most mask-sample images have a detectable face");

        using var json = JsonDocument.Parse(File.ReadAllText(run.MetricsPath));
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        names.Should().Equal("labels", "count", "skipped", "accuracy", "macroAccuracy", "logLoss", "logLossReduction", "auc", "perClass", "confusionMatrix");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Same_seed_gives_the_same_model_and_a_warm_cache_featurizes_nothing()
    {
        // Written into a folder named with a trailing separator, as in `./train.sh -o again/`.
        var again = new MaskTrainingPipeline(fixture.Options! with { OutputPath = Path.Combine(fixture.Root!, "again") + Path.DirectorySeparatorChar }, fixture.Store).Run();

        again.ModelPath.Should().Be(Path.Combine(fixture.Root!, "again", MaskModel.DefaultFileName));
        File.Exists(Path.Combine(fixture.Root!, "again", "metrics.json")).Should().BeTrue("metrics.json goes beside the model");

        again.Featurizing.Computed.Should().Be(0, "every feature is in the cache from the first run");
        again.Featurizing.CacheHits.Should().Be(fixture.Run!.Featurizing.Computed + fixture.Run.Featurizing.CacheHits);
        File.ReadAllBytes(again.ModelPath).Should().Equal(File.ReadAllBytes(fixture.Run.ModelPath), "the same seed writes the same model zip, byte for byte");

        again.TestMetrics.LogLoss.Should().Be(fixture.Run.TestMetrics.LogLoss);
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_failed_run_leaves_the_previous_model_untouched()
    {
        var before = File.ReadAllBytes(fixture.Run!.ModelPath);
        var bad = fixture.Options! with { DataDirectory = Path.Combine(fixture.Root!, "no-such-folder") };

        var act = () => new MaskTrainingPipeline(bad, fixture.Store).Run();

        act.Should().Throw<DatasetException>().WithMessage("*does not exist*");
        File.ReadAllBytes(fixture.Run.ModelPath).Should().Equal(before);

        // A file where the output's folder should be fails before any work, not at the last step.
        var blocker = Path.Combine(fixture.Root!, "blocker");
        File.WriteAllText(blocker, "");
        var blocked = fixture.Options! with { OutputPath = Path.Combine(blocker, "m.zip") };
        act = () => new MaskTrainingPipeline(blocked, fixture.Store).Run();
        act.Should().Throw<ModelFileException>().WithMessage($"{Path.Combine(blocker, "m.zip")}: cannot write the model: {blocker} is a file, not a folder");

        // A feature cache inside the data folder would be read as a class on the next run.
        act = () => new MaskTrainingPipeline(fixture.Options! with { Workspace = Path.Combine(fixture.Options!.DataDirectory, "cache") }, fixture.Store).Run();
        act.Should().Throw<IOException>().WithMessage("workspace '*cache' is inside the data folder*");
        Directory.Exists(Path.Combine(fixture.Options!.DataDirectory, "cache")).Should().BeFalse();

        // The splitter allows no test split; a training run, whose metrics are the test split's, does not.
        act = () => new MaskTrainingPipeline(fixture.Options! with { Split = new SplitOptions { TestFraction = 0 } }, fixture.Store).Run();
        act.Should().Throw<ArgumentException>().WithMessage("--test-fraction must be above 0*");

        // metrics.json is written after the model: a folder in its place must stop the run first,
        // or the new model would already have replaced the old one when the run fails.
        var crowded = Path.Combine(fixture.Root!, "crowded");
        Directory.CreateDirectory(Path.Combine(crowded, "metrics.json"));
        Directory.CreateDirectory(Path.Combine(crowded, "m.metrics.json"));
        foreach (var (model, metrics) in new[] { (MaskModel.DefaultFileName, "metrics.json"), ("m.zip", "m.metrics.json") })
        {
            act = () => new MaskTrainingPipeline(fixture.Options! with { OutputPath = Path.Combine(crowded, model) }, fixture.Store).Run();
            act.Should().Throw<ModelFileException>().WithMessage($"*cannot write {metrics} beside the model: {Path.Combine(crowded, metrics)} is a folder");
            File.Exists(Path.Combine(crowded, model)).Should().BeFalse();
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_cancelled_run_leaves_the_previous_model_untouched()
    {
        var before = File.ReadAllBytes(fixture.Run!.ModelPath);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var options = fixture.Options! with { Workspace = Path.Combine(fixture.Root!, "fresh-workspace") };

        var act = () => new MaskTrainingPipeline(options, fixture.Store).Run(cts.Token);

        act.Should().Throw<OperationCanceledException>();
        File.ReadAllBytes(fixture.Run.ModelPath).Should().Equal(before);
        Directory.GetFiles(Path.GetDirectoryName(fixture.Run.ModelPath)!, "*.tmp*").Should().BeEmpty();
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_run_cancelled_at_or_between_the_head_fits_leaves_the_previous_model_untouched()
    {
        // Ctrl+C after "Training the head" used to be ignored: the fit ran on and the model was overwritten.
        // (A fit stopped midway is MaskModelTrainingTests'; here the checks before and between fits.)
        var before = File.ReadAllBytes(fixture.Run!.ModelPath);
        foreach (var (trainer, trigger) in new[]
                 {
                     (TrainerKind.SdcaMaximumEntropy, "Training the head"), // before the fit starts
                     (TrainerKind.Auto, "LbfgsMaximumEntropy: validation log-loss"), // after one of Auto's fits
                 })
        {
            using var cts = new CancellationTokenSource();
            var observer = new RecordingObserver(message => message.StartsWith(trigger, StringComparison.Ordinal), cts);
            var options = fixture.Options! with { Head = fixture.Options.Head with { Trainer = trainer } };

            var act = () => new MaskTrainingPipeline(options, fixture.Store, observer).Run(cts.Token);

            act.Should().Throw<OperationCanceledException>().Which.CancellationToken.Should().Be(cts.Token, trainer.ToString());
            observer.Infos.Should().Contain(m => m.StartsWith(trigger, StringComparison.Ordinal), "the run got as far as the head");
            File.ReadAllBytes(fixture.Run.ModelPath).Should().Equal(before, trainer.ToString());
            Directory.GetFiles(Path.GetDirectoryName(fixture.Run.ModelPath)!, "*.tmp*").Should().BeEmpty();
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void An_unreadable_file_in_a_class_folder_is_skipped_listed_and_counted()
    {
        var data = LinkedCopyOfTheData("dangling");
        var dangling = Path.Combine(data, "with_mask", "dangling.jpg");
        File.CreateSymbolicLink(dangling, "/nonexistent");
        var observer = new RecordingObserver();
        var options = fixture.Options! with { DataDirectory = data, OutputPath = Path.Combine(fixture.Root!, "dangling-out") + Path.DirectorySeparatorChar };

        var run = new MaskTrainingPipeline(options, fixture.Store, observer).Run();

        run.Skipped.Should().ContainSingle().Which.Should().Be(new SkippedItem(dangling, "a link to '/nonexistent', which does not exist"));
        observer.Warnings.Should().Contain($"skipped {dangling}: a link to '/nonexistent', which does not exist");
        MetricsDocument.FromJson(File.ReadAllText(run.MetricsPath)).Skipped.Should().ContainSingle().Which.Path.Should().Be(dangling);
        run.Metadata.Dataset!["skipped"]!.GetValue<int>().Should().Be(1);
        // Never in the split, so in none of its tables: the table of the images used once counted it
        // as skipped, and its row came to one more than the split's.
        run.Used.Should().Equal(run.Split.Counts, "every image of the split was used");
        observer.Infos.Should().NotContain(m => m.StartsWith("Used, once", StringComparison.Ordinal));
    }

    [SharedFact("data/mask-sample", "models")]
    public void Identical_copies_are_used_once_and_the_tables_count_the_images_used_not_the_skipped_ones()
    {
        // A user probe: 200 copies of one photo filled the test split (validation took the rest, the head
        // learned with_mask from one image), and an empty and a truncated file were in the split tables.
        var data = LinkedCopyOfTheData("h1-copies-and-broken");
        var withMask = Path.Combine(data, "with_mask");
        var photo = Directory.GetFiles(withMask).Order(StringComparer.Ordinal).First();
        for (int i = 1; i <= 200; i++)
        {
            File.Copy(photo, Path.Combine(withMask, $"dup_{i}.jpg"));
        }

        File.WriteAllBytes(Path.Combine(withMask, "zero.jpg"), []);
        File.WriteAllBytes(Path.Combine(withMask, "trunc.jpg"), File.ReadAllBytes(photo)[..3000]);
        var observer = new RecordingObserver();
        var options = fixture.Options! with { DataDirectory = data, OutputPath = Path.Combine(fixture.Root!, "h1-copies-and-broken-out") + Path.DirectorySeparatorChar };

        var run = new MaskTrainingPipeline(options, fixture.Store, observer).Run();

        // 32 distinct with_mask files (30 photos, the two broken ones) split 70/10/20 as distinct images.
        run.Split.LeftOutCopies.Should().HaveCount(200);
        run.Split.Counts[0].Should().Be(new SplitClassCount("with_mask", 23, 3, 6));
        run.Used.Sum(c => c.Total).Should().Be(2 * TrainedModelFixture.PerClass, "each photo once, the broken files not");
        run.Used[0].Skipped.Should().Be(2);
        run.Used[1].Skipped.Should().Be(0);
        run.Used.Select(c => c.Total + c.Skipped).Should().Equal(run.Split.Counts.Select(c => c.Total), "each row adds up to the split's");
        run.TestMetrics.Count.Should().Be(run.Used.Sum(c => c.Test), "the metrics count each test photo once");
        run.Featurizing.Images.Should().Be(2 * TrainedModelFixture.PerClass);
        // "Featurized 60 image(s), 1 from cache" read as 60 in all: images and augmented copies are said apart.
        var f = run.Featurizing;
        MaskTrainer.Train.Commands.TrainCommand.FeaturizingLine(f, run.Skipped.Count).Should().Be(
            $"60 images + {f.AugmentedCopies} augmented copies: {f.Computed} featurized, {f.CacheHits} from the cache; faces found in {f.FacesFound}, whole-image fallbacks {f.FaceFallbacks}; skipped 2.");
        f.AugmentedCopies.Should().Be(2 * run.Used.Sum(c => c.Train), "two copies per training image (validation and test are not augmented)");

        // The split as planned before featurizing (with the note on the copies), then, as files were
        // skipped, the table of the images used.
        var planned = observer.Infos.Should().ContainSingle(m => m.StartsWith("Class ", StringComparison.Ordinal)).Which;
        planned.Split('\n')[0].Should().NotContain("Skipped");
        var table = observer.Infos.Should().ContainSingle(m => m.StartsWith("Used, once the unreadable files were skipped:", StringComparison.Ordinal)).Which;
        observer.Infos.IndexOf(planned).Should().BeLessThan(observer.Infos.IndexOf(table));
        var lines = table.Split('\n');
        lines[1].Should().EndWith("Skipped");
        lines[2].Should().MatchRegex($@"^with_mask\s+{run.Used[0].Train}\s+{run.Used[0].Validation}\s+{run.Used[0].Test}\s+2$");
        table.Should().NotContain("note:", "the note on the copies came with the planned split");
        planned.Should().Contain("note: 200 identical copies are left out: each picture is used once and counted once (1 group, e.g. with_mask/dup_1.jpg = ")
            .And.Contain("201 identical files in with_mask: ").And.Contain(" and 198 more");
        planned.Length.Should().BeLessThan(1000, "1,001 names made a 25 KB line");

        var report = File.ReadAllText(run.ReportPath!);
        report.Should().Contain("<th>Skipped</th>").And.Contain("200 identical copies are left out");
        run.Metadata.Dataset!["identicalCopiesLeftOut"]!.GetValue<int>().Should().Be(200);
        run.Metadata.Dataset!["split"]!["with_mask"]!["test"]!.GetValue<int>().Should().Be(run.Used[0].Test);
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_file_of_another_extension_is_listed_in_metrics_json_and_the_report_as_the_console_counts_it()
    {
        var data = LinkedCopyOfTheData("other-extensions");
        var gif = Path.Combine(data, "with_mask", "anim.gif");
        File.WriteAllText(gif, "GIF89a");
        var options = fixture.Options! with { DataDirectory = data, OutputPath = Path.Combine(fixture.Root!, "other-extensions-out") + Path.DirectorySeparatorChar };

        var run = new MaskTrainingPipeline(options, fixture.Store).Run();

        var item = new SkippedItem(gif, "a GIF image, not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG");
        run.Skipped.Should().Equal(item);
        MetricsDocument.FromJson(File.ReadAllText(run.MetricsPath)).Skipped.Should().Equal(item);
        File.ReadAllText(run.ReportPath!).Should().Contain("anim.gif").And.Contain("a GIF image, not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG");
        run.Metadata.Dataset!["skipped"]!.GetValue<int>().Should().Be(1);
    }

    [SharedFact("data/mask-sample", "models")]
    public void The_data_folder_is_recorded_as_its_full_path_so_any_spelling_writes_the_same_zip()
    {
        // "data", "./data/" and "/full/data" used to give three zips from one folder and one seed.
        var spelt = Path.Combine(fixture.DataDirectory!, "..", Path.GetFileName(fixture.DataDirectory!)) + Path.DirectorySeparatorChar;
        var options = fixture.Options! with { DataDirectory = spelt, OutputPath = Path.Combine(fixture.Root!, "spelt", "mask_model.zip") };

        var run = new MaskTrainingPipeline(options, fixture.Store).Run();

        run.Metadata.Dataset!["root"]!.GetValue<string>().Should().Be(fixture.DataDirectory);
        run.Metadata.TrainingOptions!["data"]!.GetValue<string>().Should().Be(fixture.DataDirectory);
        File.ReadAllBytes(run.ModelPath).Should().Equal(File.ReadAllBytes(fixture.Run!.ModelPath));
    }

    [SharedFact("data/mask-sample", "models")]
    public void Two_models_in_one_folder_keep_their_own_metrics_and_report_and_no_report_removes_our_stale_one()
    {
        var folder = Path.Combine(fixture.Root!, "two-models");
        var a = new MaskTrainingPipeline(fixture.Options! with { OutputPath = Path.Combine(folder, "a.zip") }, fixture.Store).Run();
        var b = new MaskTrainingPipeline(fixture.Options! with { OutputPath = Path.Combine(folder, "b.zip") }, fixture.Store).Run();

        a.MetricsPath.Should().Be(Path.Combine(folder, "a.metrics.json"));
        a.ReportPath.Should().Be(Path.Combine(folder, "a.report", "index.html"));
        b.MetricsPath.Should().Be(Path.Combine(folder, "b.metrics.json"));
        File.Exists(a.MetricsPath).Should().BeTrue("b's run wrote its own, beside it");
        File.Exists(a.ReportPath).Should().BeTrue();
        File.Exists(Path.Combine(folder, "metrics.json")).Should().BeFalse("the plain names are the default model's");

        // The default model keeps metrics.json and report/ beside it; a run with --no-report then
        // removes the report it would otherwise leave describing the model it replaced.
        var plain = new MaskTrainingPipeline(fixture.Options! with { OutputPath = folder + Path.DirectorySeparatorChar }, fixture.Store).Run();
        plain.MetricsPath.Should().Be(Path.Combine(folder, "metrics.json"));
        plain.ReportPath.Should().Be(Path.Combine(folder, "report", "index.html"));
        var observer = new RecordingObserver();
        var noReport = new MaskTrainingPipeline(fixture.Options! with { OutputPath = folder + Path.DirectorySeparatorChar, WriteReport = false }, fixture.Store, observer).Run();

        noReport.ReportPath.Should().BeNull();
        File.Exists(plain.ReportPath).Should().BeFalse();
        Directory.Exists(Path.Combine(folder, "report")).Should().BeFalse();
        observer.Infos.Should().ContainSingle(m => m.StartsWith($"Removed {plain.ReportPath}: written by an earlier run", StringComparison.Ordinal));
        File.Exists(a.ReportPath).Should().BeTrue("another model's report is not this run's to remove");

        // A report/index.html MaskTrainer did not write is the user's: left as it is.
        var own = Directory.CreateDirectory(Path.Combine(folder, "report")).FullName;
        File.WriteAllText(Path.Combine(own, "index.html"), "<p>my notes</p>");
        new MaskTrainingPipeline(fixture.Options! with { OutputPath = folder + Path.DirectorySeparatorChar, WriteReport = false }, fixture.Store).Run();
        File.ReadAllText(Path.Combine(own, "index.html")).Should().Be("<p>my notes</p>");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_disk_that_fills_up_before_the_save_is_one_line_naming_the_model_not_the_temp_file()
    {
        // The check before the work writes an empty probe, which fits; the model does not.
        // It was .NET's "No space left on device : '.../m.zip.tmp-43b569cc62a3'".
        using var full = TmpfsMount.TryCreate(Path.Combine(fixture.Root!, "full-disk"), "64k", readOnly: false);
        if (full is null)
        {
            return;
        }

        var output = Path.Combine(full.Path, "m.zip");
        var act = () => new MaskTrainingPipeline(fixture.Options! with { OutputPath = output }, fixture.Store).Run();

        act.Should().Throw<ModelFileException>()
            .WithMessage($"{output}: the model could not be saved: cannot write in {full.Path} (No space left on device); a model there before is left as it was");
        Directory.GetFileSystemEntries(full.Path).Should().BeEmpty();
    }

    [SharedFact("data/mask-sample", "models")]
    public void When_the_cascade_falls_back_the_report_and_metadata_name_the_detector_that_cut_the_crops()
    {
        // Without res10 the cascade runs as BlazeFace-back + verifier; the report and
        // trainingOptions.faceDetector said "cascade" while faceCrop.detectorId said what was used.
        var models = Directory.CreateDirectory(Path.Combine(fixture.Root!, "models-without-res10")).FullName;
        foreach (var file in Directory.GetFiles(SharedData.Full("models")).Where(f => !Path.GetFileName(f).StartsWith("opencv_face_detector", StringComparison.Ordinal)))
        {
            File.CreateSymbolicLink(Path.Combine(models, Path.GetFileName(file)), file);
        }

        using var store = new MaskTrainer.Models.ModelStore(new MaskTrainer.Models.ModelStoreOptions
        {
            CacheDirectory = Path.Combine(fixture.Root!, "cache-without-res10"),
            ModelsDirectories = [models],
            AllowDownload = false,
        });
        var observer = new RecordingObserver();
        var options = fixture.Options! with { FaceDetector = FaceDetectors.CascadeId, OutputPath = Path.Combine(fixture.Root!, "fallback-out", "m.zip") };

        var run = new MaskTrainingPipeline(options, store, observer).Run();

        observer.Warnings.Should().Contain(w => w.Contains($"using {FaceDetectors.BackVerifiedId}", StringComparison.Ordinal));
        run.Metadata.FaceCrop.DetectorId.Should().Be(FaceDetectors.BackVerifiedId);
        run.Metadata.TrainingOptions!["faceDetector"]!.GetValue<string>().Should().Be(FaceDetectors.BackVerifiedId);
        File.ReadAllText(run.ReportPath!).Should().Contain($"<dt>face crop</dt><dd>{FaceDetectors.BackVerifiedId} (in place of cascade, which could not be loaded)</dd>");

        // Without a fallback, the detector asked for is the one used, as before.
        fixture.Run!.Metadata.TrainingOptions!["faceDetector"]!.GetValue<string>().Should().Be(FaceDetectors.CascadeId);
        File.ReadAllText(fixture.Run.ReportPath!).Should().Contain("<dt>face crop</dt><dd>cascade</dd>");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_named_pipe_as_the_output_model_is_refused_without_opening_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes are told apart by statx(2), on Linux only
        }

        var pipe = NamedPipe.Create(Path.Combine(fixture.Root!, "pipe-model.zip"));

        var act = () => NamedPipe.Within(pipe, () => new MaskTrainingPipeline(fixture.Options! with { OutputPath = pipe }, fixture.Store).Run());

        act.Should().Throw<ModelFileException>()
            .WithMessage($"{pipe}: exists and is a named pipe (FIFO), not a regular file; refusing to overwrite it*");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_class_none_of_whose_images_decode_fails_after_the_featurizing_and_writes_no_model()
    {
        // Its files pass the up-front checks (they exist and are hashed); only the decoder finds them bad.
        var data = LinkedCopyOfTheData("undecodable");
        Directory.CreateDirectory(Path.Combine(data, "bad"));
        for (int i = 0; i < 5; i++)
        {
            File.WriteAllText(Path.Combine(data, "bad", $"t{i}.jpg"), $"text {i}");
        }

        var output = Path.Combine(fixture.Root!, "undecodable-out", "m.zip");
        var options = fixture.Options! with { DataDirectory = data, OutputPath = output };

        var act = () => new MaskTrainingPipeline(options, fixture.Store).Run();

        act.Should().Throw<DatasetException>()
            .WithMessage($"class 'bad' in '{data}': none of its 5 images could be read (e.g. {Path.Combine(data, "bad", "t")}?.jpg: *); fix or remove them");
        File.Exists(output).Should().BeFalse();
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_workspace_that_cannot_hold_the_cache_is_a_one_line_error_before_any_featurizing()
    {
        var file = Path.Combine(fixture.Root!, "workspace-file");
        File.WriteAllText(file, "");
        foreach (var (workspace, blocker) in new[] { (file, file), (Path.Combine(file, "ws"), file) })
        {
            var observer = new RecordingObserver();
            var options = fixture.Options! with { Workspace = workspace, OutputPath = Path.Combine(fixture.Root!, "workspace-out", "m.zip") };

            var act = () => new MaskTrainingPipeline(options, fixture.Store, observer).Run();

            act.Should().Throw<IOException>().WithMessage($"workspace '{workspace}' cannot hold the feature cache: '{blocker}' is a file, not a folder");
            observer.FeaturizingCalls.Should().Be(0);
        }
    }

    [Fact]
    public void Head_and_augmentation_settings_out_of_range_are_refused_before_the_data_is_even_read()
    {
        // They were refused by ML.NET, in its words, after minutes of featurizing; Copies = 50 ran.
        var root = Directory.CreateTempSubdirectory("h1-settings-").FullName;
        try
        {
            var options = new MaskTrainingOptions
            {
                DataDirectory = Path.Combine(root, "no-data-yet"), // checked after: loading it would fail differently
                OutputPath = Path.Combine(root, "out", "m.zip"),
                Workspace = Path.Combine(root, "ws"),
            };
            using var store = TrainedModelFixture.CreateStore(root);
            var cases = new (MaskTrainingOptions Options, string Message)[]
            {
                (options with { Head = new HeadOptions { MaxIterations = 0 } }, "HeadOptions.MaxIterations must be 1 or more, got 0 (Parameter 'MaxIterations')"),
                (options with { Head = new HeadOptions { L2 = -1 } }, "HeadOptions.L2 must be a finite number, 0 or more, got -1 (Parameter 'L2')"),
                (options with { Head = new HeadOptions { L2 = float.NaN } }, "HeadOptions.L2 must be a finite number, 0 or more, got NaN (Parameter 'L2')"),
                (options with { Augmentation = options.Augmentation with { Copies = 50 } }, $"Augmentation.Copies must be from 0 to {MaskTrainingOptions.MaxAugmentationCopies} (MaskTrainingOptions.MaxAugmentationCopies: each copy featurizes every training image once more), got 50 (Parameter 'Augmentation')"),
                (options with { Augmentation = options.Augmentation with { Copies = -1 } }, "Augmentation.Copies must be from 0 to *, got -1 (Parameter 'Augmentation')"),
            };
            foreach (var (bad, message) in cases)
            {
                var observer = new RecordingObserver();
                var act = () => new MaskTrainingPipeline(bad, store, observer).Run();

                act.Should().Throw<ArgumentOutOfRangeException>().WithMessage(message);
                observer.Infos.Should().BeEmpty("nothing was loaded");
            }

            FluentActions.Invoking(() => MaskModelTraining.BuildHead(new Microsoft.ML.MLContext(), ["a", "b"], new HeadOptions { MaxIterations = 0 }))
                .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxIterations");
            Directory.Exists(Path.Combine(root, "out")).Should().BeFalse();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_workspace_on_a_read_only_disk_trains_without_caching_whether_or_not_it_exists_yet()
    {
        // An existing read-only workspace warned and ran uncached, a new folder on the same mount was
        // "error: workspace … cannot hold the feature cache: Read-only file system".
        using var readOnly = TmpfsMount.TryCreate(Path.Combine(fixture.Root!, "h3-read-only-ws"), "64k", readOnly: true);
        if (readOnly is null)
        {
            return;
        }

        foreach (var workspace in new[] { readOnly.Path, Path.Combine(readOnly.Path, "new") })
        {
            var observer = new RecordingObserver();
            var output = Path.Combine(fixture.Root!, "h3-read-only-ws-out", Path.GetFileName(workspace), "m.zip");
            var run = new MaskTrainingPipeline(fixture.Options! with { Workspace = workspace, OutputPath = output, WriteReport = false }, fixture.Store, observer).Run();

            File.Exists(output).Should().BeTrue(workspace);
            run.Featurizing.CacheHits.Should().Be(0);
            observer.Warnings.Where(w => w.StartsWith("feature cache: ", StringComparison.Ordinal)).Should().ContainSingle(workspace)
                .Which.Should().MatchRegex(@"could not be written \(.*Read-only file system.*\); this run uses the features it computes without caching them \(said once\)$");
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Without_a_validation_split_Auto_is_refused_and_a_fixed_trainer_says_it_has_none()
    {
        var noValidation = fixture.Options! with { Split = fixture.Options.Split with { ValidationFraction = 0 }, OutputPath = Path.Combine(fixture.Root!, "no-validation", "m.zip") };

        // Auto would score the trainers on the rows they learned from and keep the most overfitted.
        var auto = () => new MaskTrainingPipeline(noValidation with { Head = noValidation.Head with { Trainer = TrainerKind.Auto } }, fixture.Store).Run();
        auto.Should().Throw<ArgumentException>().WithMessage("--trainer Auto picks the trainer by its validation log-loss and needs a validation split*");

        var observer = new RecordingObserver();
        new MaskTrainingPipeline(noValidation, fixture.Store, observer).Run();
        observer.Infos.Should().Contain(m => m.StartsWith("Training the head (SdcaMaximumEntropy) on ", StringComparison.Ordinal) && m.EndsWith(" features (train; no validation split)", StringComparison.Ordinal));
    }

    [SharedFact("data/mask-sample", "models")]
    public void Saved_model_loads_and_evaluates_to_the_training_metrics_document_schema()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        model.Labels.Should().Equal("with_mask", "without_mask");
        model.FaceCrop.Enabled.Should().BeTrue();
        model.FaceCrop.CropOptions.Should().Be(FaceCropOptions.Training, "the detector app must crop as training did, margin blanked");

        var result = MaskEvaluation.Evaluate(model, fixture.DataDirectory!, fixture.Store);

        result.Metrics.Count.Should().Be(2 * TrainedModelFixture.PerClass);
        result.Metrics.Accuracy.Should().BeGreaterThan(0.8, "the model saw 70% of these images in training");
        MetricsDocument.FromJson(result.Document.ToJson()).Labels.Should().Equal(model.Labels);
    }

    [SharedFact("data/mask-sample", "models")]
    public void Evaluating_a_folder_with_an_unknown_class_is_a_one_line_error()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        var dir = Path.Combine(fixture.Root!, "unknown-class");
        foreach (var label in new[] { "with_mask", "helmet" })
        {
            var d = Directory.CreateDirectory(Path.Combine(dir, label)).FullName;
            var src = Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask"))[0];
            File.Copy(src, Path.Combine(d, "a.jpg"));
        }

        var act = () => MaskEvaluation.Evaluate(model, dir, fixture.Store);

        act.Should().Throw<DatasetException>().WithMessage("*'helmet'*not one of the model's labels*");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_three_class_model_and_every_trainer_kind_load_past_the_check_of_labels_and_sizes()
    {
        // MaskModel.Load compares the metadata with the ML.NET model's own labels and sizes: the
        // models training writes must all pass, whatever the class count and the trainer.
        var data = LinkedCopyOfTheData("three-classes");
        var third = Directory.CreateDirectory(Path.Combine(data, "a_third_class")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(SharedData.Full("data/mask-sample"), "without_mask")).Order(StringComparer.Ordinal).Skip(TrainedModelFixture.PerClass).Take(10))
        {
            File.CreateSymbolicLink(Path.Combine(third, Path.GetFileName(file)), file);
        }

        foreach (var trainer in new[] { TrainerKind.LbfgsMaximumEntropy, TrainerKind.SdcaMaximumEntropy, TrainerKind.LightGbm })
        {
            var options = fixture.Options! with
            {
                DataDirectory = data,
                OutputPath = Path.Combine(fixture.Root!, "three-classes-out", trainer.ToString(), "m.zip"),
                Head = fixture.Options.Head with { Trainer = trainer },
            };
            var run = new MaskTrainingPipeline(options, fixture.Store).Run();

            using var model = MaskModel.Load(run.ModelPath);
            model.Labels.Should().Equal(["a_third_class", "with_mask", "without_mask"], trainer.ToString());
            using var predictor = new MaskPredictor(model);
            using var image = new OpenCvSharp.Mat(50, 40, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(128));
            predictor.Predict(image).Score.Should().HaveCount(3);
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Loading_a_missing_or_corrupt_model_names_the_file()
    {
        var missing = Path.Combine(fixture.Root!, "nope.zip");
        FluentActions.Invoking(() => MaskModel.Load(missing))
            .Should().Throw<ModelFileException>().WithMessage($"*{missing}*not found*");

        var corrupt = Path.Combine(fixture.Root!, "corrupt.zip");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(fixture.Run!.ModelPath)[..1000]);
        FluentActions.Invoking(() => MaskModel.Load(corrupt))
            .Should().Throw<ModelFileException>().WithMessage($"*{corrupt}*");
    }

    /// <summary>A data folder of links to the fixture's images (so their features are cached), to add bad files to.</summary>
    private string LinkedCopyOfTheData(string name)
    {
        var root = Path.Combine(fixture.Root!, name);
        foreach (var label in new[] { "with_mask", "without_mask" })
        {
            var target = Directory.CreateDirectory(Path.Combine(root, label)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory!, label)))
            {
                File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(file)), new FileInfo(file).LinkTarget ?? file);
            }
        }

        return root;
    }

    /// <summary>Keeps what a run reports; cancels <paramref name="cancel"/> at the first Info line that <paramref name="cancelAt"/> matches.</summary>
    private sealed class RecordingObserver(Func<string, bool>? cancelAt = null, CancellationTokenSource? cancel = null) : ITrainingObserver
    {
        public List<string> Infos { get; } = [];

        public List<string> Warnings { get; } = [];

        public int FeaturizingCalls { get; private set; }

        public void Info(string message)
        {
            Infos.Add(message);
            if (cancelAt?.Invoke(message) == true)
            {
                cancel?.Cancel();
            }
        }

        public void Warning(string message) => Warnings.Add(message);

        public void Featurizing(string part, FeaturizeProgress progress) => FeaturizingCalls++;
    }
}
