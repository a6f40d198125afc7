using MaskTrainer.Model;
using MaskTrainer.Tests.Pipeline;

namespace MaskTrainer.Tests.Model;

/// <summary>
/// <see cref="MaskModelConsumption"/>: static, loaded once per process, so one test walks through
/// its whole life (no other test may use it).
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ConsumptionTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly ZipTempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedFact("data/mask-sample", "models")]
    public void A_failed_load_is_retried_with_the_path_set_then_and_a_loaded_model_keeps_its_path()
    {
        var missing = Path.Combine(_folder.Folder("h2-consumption"), "missing.zip");
        var alsoMissing = Path.Combine(_folder.Path, "h2-consumption", "also-missing.zip");
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var predictor = new MaskPredictor(model);
        using var crop = PredictionTests.Crops(model, 1)[0];
        var expected = predictor.Predict(crop).Score;
        using var image = MaskTrainer.Imaging.MLImages.FromMat(crop);
        var input = new ModelInput { Image = image };

        MaskModelConsumption.ModelPath = missing;
        FluentActions.Invoking(() => MaskModelConsumption.Predict(input)).Should().Throw<ModelFileException>().WithMessage($"{missing}: model file not found*");
        MaskModelConsumption.ModelPath = alsoMissing;
        FluentActions.Invoking(() => MaskModelConsumption.Predict(input)).Should().Throw<ModelFileException>().WithMessage($"{alsoMissing}: *", "the second call loads from the path set now");

        MaskModelConsumption.ModelPath = fixture.Run.ModelPath;
        MaskModelConsumption.Predict(input).Score.Should().Equal(expected);

        MaskModelConsumption.ModelPath = fixture.Run.ModelPath; // the same path: allowed
        FluentActions.Invoking(() => MaskModelConsumption.ModelPath = missing).Should().Throw<InvalidOperationException>()
            .WithMessage($"MaskModelConsumption.ModelPath cannot change to {missing}: the model has loaded from {fixture.Run.ModelPath} *");
        MaskModelConsumption.ModelPath.Should().Be(fixture.Run.ModelPath);
        MaskModelConsumption.Predict(input).Score.Should().Equal(expected, "the caller's image is still usable too");
    }
}
