using MaskTrainer.Model;
using MaskTrainer.Tests.Pipeline;

namespace MaskTrainer.Tests.Model;

/// <summary>A disposed model or predictor says so (ObjectDisposedException), instead of ML.NET's NullReferenceException.</summary>
[Collection(PipelineCollection.Name)]
public sealed class DisposedModelTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly ZipTempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedFact("data/mask-sample", "models")]
    public void A_disposed_model_throws_ObjectDisposedException_wherever_it_is_used()
    {
        var model = MaskModel.Load(fixture.Run!.ModelPath);
        var crops = PredictionTests.Crops(model, 1);
        var before = new MaskPredictor(model);
        var faces = new FacePredictor(model, fixture.Store!);
        model.Dispose();
        model.Dispose(); // a second Dispose is harmless

        FluentActions.Invoking(() => new MaskPredictor(model)).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => new FacePredictor(model, fixture.Store!)).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(model.CreatePredictionEngine).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => before.Predict(crops[0])).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => faces.Predict(crops[0])).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => model.Save(new MemoryStream())).Should().Throw<ObjectDisposedException>();
        var file = Path.Combine(_folder.Folder("h2-disposed"), "m.zip");
        FluentActions.Invoking(() => model.Save(file)).Should().Throw<ObjectDisposedException>();
        Directory.GetFiles(Path.GetDirectoryName(file)!).Should().BeEmpty("nothing is written for a disposed model");
        using var image = Microsoft.ML.Data.MLImage.CreateFromPixels(2, 2, Microsoft.ML.Data.MLPixelFormat.Bgra32, new byte[16]);
        FluentActions.Invoking(() => before.Predict(new ModelInput { Image = image })).Should().Throw<ObjectDisposedException>();
        before.Dispose();
        faces.Dispose();
        crops[0].Dispose();
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_disposed_predictor_throws_ObjectDisposedException_and_leaves_the_model_usable()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        var crops = PredictionTests.Crops(model, 1);
        var predictor = new MaskPredictor(model);
        var faces = new FacePredictor(model, fixture.Store!);
        predictor.Dispose();
        faces.Dispose();

        FluentActions.Invoking(() => predictor.Predict(crops[0])).Should().Throw<ObjectDisposedException>();
        FluentActions.Invoking(() => faces.Predict(crops[0])).Should().Throw<ObjectDisposedException>();
        using var again = new MaskPredictor(model);
        again.Predict(crops[0]).Score.Should().HaveCount(model.Labels.Count);
        crops[0].Dispose();
    }
}
