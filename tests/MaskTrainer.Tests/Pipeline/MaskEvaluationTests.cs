using MaskTrainer.Augmentation;
using MaskTrainer.Model;

namespace MaskTrainer.Tests.Pipeline;

/// <summary>Evaluation of a saved model on a folder, through the real pipeline and model.</summary>
[Collection(PipelineCollection.Name)]
public sealed class MaskEvaluationTests(TrainedModelFixture fixture)
{
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
