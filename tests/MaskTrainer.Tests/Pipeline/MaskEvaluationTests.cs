using MaskTrainer.Augmentation;
using MaskTrainer.Features;
using MaskTrainer.Model;
using MaskTrainer.Models;

namespace MaskTrainer.Tests.Pipeline;

/// <summary>Evaluation of a saved model on a folder, through the real pipeline and model.</summary>
[Collection(PipelineCollection.Name)]
public sealed class MaskEvaluationTests(TrainedModelFixture fixture)
{
    [SharedFact("data/mask-sample", "models")]
    public void A_workspace_on_a_full_disk_is_warned_once_as_training_warns_it()
    {
        // `evaluate --workspace <full disk>` stopped caching silently: training says it.
        using var full = TmpfsMount.TryCreate(Path.Combine(fixture.Root!, "h3-full-eval-ws"), "64k", readOnly: false);
        if (full is null)
        {
            return;
        }

        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        var warnings = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var result = MaskEvaluation.Evaluate(model, fixture.DataDirectory!, fixture.Store, full.Path, onWarning: warnings.Enqueue);

        result.Metrics.Count.Should().Be(2 * TrainedModelFixture.PerClass, "the features are computed all the same");
        warnings.Where(w => w.StartsWith("feature cache: ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().MatchRegex(@"could not be written \(.*No space left on device.*\); this run uses the features it computes without caching them \(said once\)$");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_class_folder_named_in_NFD_is_the_model_label_named_in_NFC()
    {
        // A model trained here on "sans masque ünï" (NFC), evaluated on the folder as macOS names it (NFD).
        const string nfc = "sans masque \u00fcn\u00ef";
        const string nfd = "sans masque u\u0308ni\u0308";
        var data = Link(Path.Combine(fixture.Root!, "nfc-data"), ("avec masque", "with_mask"), (nfc, "without_mask"));
        var options = fixture.Options! with
        {
            DataDirectory = data,
            OutputPath = Path.Combine(fixture.Root!, "nfc-model", "mask_model.zip"),
            Augmentation = new AugmentationOptions { Copies = 0 },
        };
        var run = new MaskTrainingPipeline(options, fixture.Store).Run();
        var folder = Link(Path.Combine(fixture.Root!, "nfd-data"), (nfd, "without_mask"));
        using var model = MaskModel.Load(run.ModelPath);

        var result = MaskEvaluation.Evaluate(model, folder, fixture.Store, fixture.Options!.Workspace);

        result.Metrics.Labels.Should().Equal("avec masque", nfc);
        result.Metrics.PerClass[nfc].Support.Should().Be(TrainedModelFixture.PerClass);
    }

    [SharedFact("data/mask-sample", "models/fr_pose.onnx")]
    public void A_model_trained_with_the_users_own_backbone_is_scored_from_its_own_graph_after_the_file_is_gone()
    {
        // BGR, not the default RGB: the embedded graph must be fed the planes in the order it was made for.
        var file = Path.Combine(fixture.Root!, "own-backbone", "pose.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.Copy(SharedData.Full("models/fr_pose.onnx"), file);
        var options = fixture.Options! with
        {
            Backbone = file,
            UserBackbone = new UserBackboneOptions
            {
                Preprocessing = new Preprocessing(224, 224, ChannelOrder.Bgr, [0f, 0f, 0f], 1f / 255, TensorLayout.Nchw),
                FeatureLayer = "359",
            },
            OutputPath = Path.Combine(fixture.Root!, "own-backbone", "mask_model.zip"),
            Workspace = Path.Combine(fixture.Root!, "own-backbone", "workspace"),
            Augmentation = new AugmentationOptions { Copies = 0 },
        };
        var run = new MaskTrainingPipeline(options, fixture.Store).Run();
        File.Delete(file);
        using var model = MaskModel.Load(run.ModelPath);
        model.Metadata.Backbone.Id.Should().Be("user:pose.onnx");

        var fresh = MaskEvaluation.Evaluate(model, fixture.DataDirectory!, fixture.Store);
        // Training cached every image's features from the file itself, under the model's cache key.
        var cached = MaskEvaluation.Evaluate(model, fixture.DataDirectory!, fixture.Store, options.Workspace);

        fresh.Metrics.Count.Should().Be(2 * TrainedModelFixture.PerClass);
        fresh.Featurizing.CacheHits.Should().Be(0);
        cached.Featurizing.CacheHits.Should().Be(2 * TrainedModelFixture.PerClass);
        fresh.Metrics.LogLoss.Should().BeApproximately(cached.Metrics.LogLoss, 1e-4);
        fresh.Metrics.Accuracy.Should().Be(cached.Metrics.Accuracy);
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_face_detector_that_cannot_run_as_trained_is_reported_with_what_it_means_for_the_scores()
    {
        // The model was trained with the cascade (res10 at hand); here res10 cannot be had.
        var models = Directory.CreateDirectory(Path.Combine(fixture.Root!, "eval-models-without-res10")).FullName;
        foreach (var name in Directory.GetFiles(SharedData.Full("models")).Select(Path.GetFileName).Where(n => !n!.StartsWith("opencv_face_detector", StringComparison.Ordinal)))
        {
            File.CreateSymbolicLink(Path.Combine(models, name!), SharedData.Full(Path.Combine("models", name!)));
        }

        using var store = new ModelStore(new ModelStoreOptions { CacheDirectory = Path.Combine(fixture.Root!, "eval-cache-without-res10"), ModelsDirectories = [models], AllowDownload = false });
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Root!, "eval-few", "with_mask")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).Take(3))
        {
            File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(file)), new FileInfo(file).LinkTarget ?? file);
        }

        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        model.FaceCrop.DetectorId.Should().Be("cascade");
        var warnings = new List<string>();

        var result = MaskEvaluation.Evaluate(model, Path.GetDirectoryName(folder)!, store, onWarning: warnings.Add);

        result.Metrics.Count.Should().Be(3);
        warnings.Should().ContainSingle().Which.Should().Contain("'cascade' needs res10").And.Contain("using blazeface-back-verified")
            .And.EndWith("the scores are of other face crops than the model was trained on");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Identical_copies_of_a_photo_are_scored_once_as_training_counts_them()
    {
        // 3 photos, one of them copied 5 times more (under other names): 3 test images, not 8.
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Root!, "eval-copies", "with_mask")).FullName;
        var photos = Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).Take(3).ToArray();
        foreach (var file in photos)
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        for (int i = 0; i < 5; i++)
        {
            File.Copy(photos[0], Path.Combine(folder, $"zz-copy-{i}.jpg"));
        }

        using var model = MaskModel.Load(fixture.Run!.ModelPath);

        var result = MaskEvaluation.Evaluate(model, Path.GetDirectoryName(folder)!, fixture.Store);

        result.Metrics.Count.Should().Be(3);
        result.Copies.LeftOut.Select(e => Path.GetFileName(e.Path)).Should().Equal(Enumerable.Range(0, 5).Select(i => $"zz-copy-{i}.jpg"));
        result.Copies.Note().Should().StartWith("note: 5 identical copies are left out: each picture is used once and counted once (1 group, e.g. with_mask/zz-copy-0.jpg = with_mask/");
        result.Skipped.Should().BeEmpty();
    }

    [SharedFact("data/mask-sample", "models")]
    public void Metrics_of_no_rows_print_that_there_is_nothing_to_average()
    {
        // What ML.NET gives for an empty view (evaluate refuses that case before; the printer must not break a sentence on it).
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        var none = new FeaturizedData([], model.Metadata.Backbone.FeatureSize, [], [], [], [], new FeaturizeStats(0, 0, 0, 0, 0, TimeSpan.Zero));
        var metrics = model.EvaluateFeatures(FeatureDataView.Create(model.Context, none, model.Labels, balance: false));

        var text = MetricsPrinter.Format(metrics).ReplaceLineEndings("\n");

        text.Should().Contain("Examples:            0\n");
        text.Should().Contain("No examples of any class: there is nothing to average.\n");
        text.Should().NotContain("averages are over");
    }

    /// <summary>A data folder whose classes link to the fixture's class folders' images.</summary>
    private string Link(string root, params (string Label, string From)[] classes)
    {
        foreach (var (label, from) in classes)
        {
            var target = Directory.CreateDirectory(Path.Combine(root, label)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory!, from)))
            {
                File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(file)), new FileInfo(file).LinkTarget ?? file);
            }
        }

        return root;
    }
}
