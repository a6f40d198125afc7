using MaskTrainer.Imaging;
using MaskTrainer.Augmentation;
using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Tests.Faces;
using MaskTrainer.Tests.Imaging;

using TempFolder = MaskTrainer.Tests.Model.ZipTempFolder;

namespace MaskTrainer.Tests.Features;

public sealed class DatasetFeaturizerTests : IClassFixture<FrPoseFixture>, IDisposable
{
    private static readonly AugmentationOptions TwoCopies = new() { Copies = 2, Seed = 3 };
    private readonly FrPoseFixture _pose;
    private readonly TempFolder _workspace = new();

    public DatasetFeaturizerTests(FrPoseFixture pose)
    {
        _pose = pose;
    }

    private BottleneckCache Cache => new(_workspace.Path);

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Rows_labels_and_indices_follow_the_examples()
    {
        var examples = FeaturesTestData.Examples(5);
        var stage = new DatasetFeaturizer(_pose.Featurizer, options: new FeaturizeOptions { BatchSize = 2 });

        var data = stage.Featurize(examples);

        data.Rows.Should().Be(5);
        data.Dimension.Should().Be(1024);
        data.Features.Length.Should().Be(5 * 1024);
        data.Labels.ToArray().Should().Equal(0, 1, 0, 1, 0);
        data.ExampleIndices.ToArray().Should().Equal(0, 1, 2, 3, 4);
        data.AugmentIndices.ToArray().Should().Equal(0, 0, 0, 0, 0);
        data.Skipped.Should().BeEmpty();
        data.Stats.Should().Match<FeaturizeStats>(s => s.Computed == 5 && s.CacheHits == 0 && s.Skipped == 0 && s.FacesFound == 0 && s.FaceFallbacks == 0);
        using var image = ImageCodec.Read(examples[3].Path);
        data.Row(3).ToArray().Should().Equal(_pose.Featurizer.Featurize(image), "the pipeline computes what the backbone computes");
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void A_second_run_reads_everything_from_the_cache_and_gives_identical_features()
    {
        var examples = FeaturesTestData.Examples(4);
        var progress = new List<FeaturizeProgress>();

        var first = new DatasetFeaturizer(_pose.Featurizer, cache: Cache).Featurize(examples);
        var second = new DatasetFeaturizer(_pose.Featurizer, cache: Cache)
            .Featurize(examples, progress: new SynchronousProgress<FeaturizeProgress>(progress.Add));

        first.Stats.Computed.Should().Be(4);
        second.Stats.Computed.Should().Be(0);
        second.Stats.CacheHits.Should().Be(4);
        second.Features.ToArray().Should().Equal(first.Features.ToArray());
        progress.Should().NotBeEmpty();
        progress[^1].Should().Be(new FeaturizeProgress(4, 4, 0, 0));
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Adding_an_image_computes_only_that_image()
    {
        var examples = FeaturesTestData.Examples(4);
        var stage = new DatasetFeaturizer(_pose.Featurizer, cache: Cache);
        var before = stage.Featurize(examples[..3]);

        var after = stage.Featurize(examples);

        after.Stats.Computed.Should().Be(1);
        after.Stats.CacheHits.Should().Be(3);
        after.Features.Span[..(3 * 1024)].ToArray().Should().Equal(before.Features.ToArray());
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void A_corrupt_cache_entry_is_recomputed_and_rewritten()
    {
        var examples = FeaturesTestData.Examples(2);
        var stage = new DatasetFeaturizer(_pose.Featurizer, cache: Cache);
        var first = stage.Featurize(examples);
        string entry = Cache.GetPath(new FeatureKey(_pose.Featurizer.CacheKey, FeatureKey.NoFaceCrop, null, examples[1].ContentHash, 0));
        File.Exists(entry).Should().BeTrue();
        File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..100]);

        var second = stage.Featurize(examples);
        var third = stage.Featurize(examples);

        second.Stats.Computed.Should().Be(1);
        second.Features.ToArray().Should().Equal(first.Features.ToArray());
        third.Stats.CacheHits.Should().Be(2);
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Unreadable_images_are_skipped_with_the_decoders_reason_and_counted()
    {
        var good = FeaturesTestData.Examples(2);
        string corrupt = Path.Combine(_workspace.Path, "corrupt.jpg");
        var bytes = File.ReadAllBytes(good[0].Path);
        File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 3)].Concat(new byte[64]).ToArray()); // truncated JPEG/PNG
        string empty = Path.Combine(_workspace.Path, "empty.png");
        File.WriteAllBytes(empty, []);
        string text = Path.Combine(_workspace.Path, "notes.jpg");
        File.WriteAllText(text, "not an image at all");
        ImageExample[] examples =
        [
            good[0],
            FeaturesTestData.Example(corrupt) with { LabelIndex = 1 },
            FeaturesTestData.Example(empty),
            good[1],
            FeaturesTestData.Example(text),
        ];

        var data = new DatasetFeaturizer(_pose.Featurizer, cache: Cache).Featurize(examples);

        data.Rows.Should().Be(2);
        data.ExampleIndices.ToArray().Should().Equal(0, 3);
        data.Labels.ToArray().Should().Equal(0, 1);
        data.Stats.Skipped.Should().Be(3);
        data.Skipped.Select(s => s.Path).Should().Equal(corrupt, empty, text);
        data.Skipped.Should().OnlyContain(s => s.Reason.Length > 0 && !s.Reason.Contains('\n') && !s.Reason.Contains(s.Path));
        data.Skipped[1].Reason.Should().Be("empty (0 bytes)");
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void An_image_changed_after_it_was_hashed_is_skipped_and_nothing_is_cached_under_its_hash()
    {
        // A probe: a file replaced between the loading (hashing) and the featurizing had the new
        // picture's features cached under the old hash, and every later run with the file put back read them.
        var photos = FeaturesTestData.Examples(3);
        var folder = Directory.CreateTempSubdirectory("h2-changed-").FullName;
        try
        {
            string changing = Path.Combine(folder, "photo.jpg");
            File.Copy(photos[0].Path, changing);
            var loaded = FeaturesTestData.Example(changing) with { LabelIndex = 0 }; // hashed as photo 0
            File.Copy(photos[1].Path, changing, overwrite: true); // then a sync client replaced it
            var stage = new DatasetFeaturizer(_pose.Featurizer, cache: Cache, augmentation: TwoCopies);

            var data = stage.Featurize([loaded, photos[2]], augment: true);

            data.Rows.Should().Be(3, "photo 2 and its two copies; the changed file gives none");
            data.ExampleIndices.ToArray().Should().Equal(1, 1, 1);
            data.Skipped.Should().ContainSingle().Which.Should().Be(new SkippedItem(changing, DatasetFeaturizer.ChangedReason));
            data.Stats.Skipped.Should().Be(1);
            Directory.GetFiles(Cache.Root, loaded.ContentHash + ".*", SearchOption.AllDirectories)
                .Should().BeEmpty("nothing is cached under the hash of bytes that were not decoded");

            // The file put back: its features are computed now, those of photo 0, as a cold cache gives them.
            File.Copy(photos[0].Path, changing, overwrite: true);
            var restored = stage.Featurize([loaded]);
            using var image = ImageCodec.Read(photos[0].Path);

            restored.Stats.Should().Match<FeaturizeStats>(s => s.Computed == 1 && s.CacheHits == 0 && s.Skipped == 0);
            restored.Row(0).ToArray().Should().Equal(_pose.Featurizer.Featurize(image));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Augmented_copies_are_extra_rows_cached_under_the_augmentation_key()
    {
        var examples = FeaturesTestData.Examples(2);
        var stage = new DatasetFeaturizer(_pose.Featurizer, cache: Cache, augmentation: TwoCopies);

        var plain = stage.Featurize(examples, augment: false);
        var augmented = stage.Featurize(examples, augment: true);
        var again = stage.Featurize(examples, augment: true);
        var reseeded = new DatasetFeaturizer(_pose.Featurizer, cache: Cache, augmentation: TwoCopies with { Seed = 4 })
            .Featurize(examples, augment: true);

        plain.Rows.Should().Be(2);
        augmented.Rows.Should().Be(6);
        augmented.ExampleIndices.ToArray().Should().Equal(0, 0, 0, 1, 1, 1);
        augmented.AugmentIndices.ToArray().Should().Equal(0, 1, 2, 0, 1, 2);
        augmented.Labels.ToArray().Should().Equal(0, 0, 0, 1, 1, 1);
        augmented.Stats.CacheHits.Should().Be(2, "the images themselves were cached by the plain run");
        augmented.Stats.Computed.Should().Be(4);
        augmented.Row(0).ToArray().Should().Equal(plain.Row(0).ToArray());
        augmented.Row(1).ToArray().Should().NotEqual(augmented.Row(0).ToArray());
        augmented.Row(2).ToArray().Should().NotEqual(augmented.Row(1).ToArray());
        again.Stats.CacheHits.Should().Be(6);
        again.Features.ToArray().Should().Equal(augmented.Features.ToArray(), "copies are deterministic");
        reseeded.Stats.Computed.Should().Be(4, "another seed changes the copies' key, not the images'");
        reseeded.Row(1).ToArray().Should().NotEqual(augmented.Row(1).ToArray());
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Scene_fill_changes_only_the_copies_of_faces_whose_box_runs_past_the_photo()
    {
        var examples = FeaturesTestData.Examples(8);
        var stage = new FaceCropStage(FaceTestData.Detector(FaceDetectors.DefaultId));

        var off = new DatasetFeaturizer(_pose.Featurizer, stage, augmentation: TwoCopies with { SceneFillProbability = 0 }).Featurize(examples, augment: true);
        var on = new DatasetFeaturizer(_pose.Featurizer, stage, augmentation: TwoCopies with { SceneFillProbability = 1 }).Featurize(examples, augment: true);

        int past = 0, inside = 0;
        for (int i = 0; i < examples.Length; i++)
        {
            using var image = ImageCodec.Read(examples[i].Path);
            var box = stage.FindMainFace(image)?.Box;
            bool beyond = box is { } b && (b.X < 0 || b.Y < 0 || b.Right > image.Cols || b.Bottom > image.Rows);
            past += beyond ? 1 : 0;
            inside += beyond ? 0 : 1;
            on.Row(i * 3).ToArray().Should().Equal(off.Row(i * 3).ToArray(), "copy 0 is the plain crop");
            for (int k = 1; k <= 2; k++)
            {
                bool same = on.Row(i * 3 + k).SequenceEqual(off.Row(i * 3 + k));
                same.Should().Be(!beyond, $"copy {k} of {Path.GetFileName(examples[i].Path)} (face {box}, image {image.Cols}x{image.Rows})");
            }
        }

        past.Should().BePositive("some tight crops' boxes run past the photo");
        inside.Should().BePositive("some photos hold the whole box");
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Cancelling_stops_the_run_and_keeps_what_was_written()
    {
        var examples = FeaturesTestData.Examples(24);
        using var cancel = new CancellationTokenSource();
        int computedAtCancel = 0;
        var progress = new SynchronousProgress<FeaturizeProgress>(p =>
        {
            if (p.Computed >= 4 && !cancel.IsCancellationRequested)
            {
                computedAtCancel = p.Computed;
                cancel.Cancel();
            }
        });
        var stage = new DatasetFeaturizer(_pose.Featurizer, cache: Cache, options: new FeaturizeOptions { BatchSize = 4 });

        FluentActions.Invoking(() => stage.Featurize(examples, progress: progress, cancellationToken: cancel.Token))
            .Should().Throw<OperationCanceledException>();
        var written = Directory.GetFiles(Cache.Root, "*" + BottleneckCache.Extension, SearchOption.AllDirectories);
        var resumed = stage.Featurize(examples);

        computedAtCancel.Should().Be(4);
        written.Should().HaveCount(4, "the run stopped after the batch during which it was cancelled");
        Directory.GetFiles(Cache.Root, "*.tmp*", SearchOption.AllDirectories).Should().BeEmpty();
        resumed.Stats.CacheHits.Should().Be(4);
        resumed.Stats.Computed.Should().Be(20);
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Parallel_decoding_and_batch_size_do_not_change_the_features()
    {
        var examples = FeaturesTestData.Examples(6, skip: 10);

        var serial = new DatasetFeaturizer(_pose.Featurizer, options: new FeaturizeOptions { MaxDegreeOfParallelism = 1, BatchSize = 1 }).Featurize(examples);
        var parallel = new DatasetFeaturizer(_pose.Featurizer, options: new FeaturizeOptions { MaxDegreeOfParallelism = 3, BatchSize = 4 }).Featurize(examples);

        parallel.Features.ToArray().Should().Equal(serial.Features.ToArray());
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>IProgress that runs the handler on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
