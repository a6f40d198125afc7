using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Pipeline;

[Collection(PipelineCollection.Name)]
public sealed class MaskPredictionEngineTests(TrainedModelFixture fixture)
{
    [SharedFact("data/mask-sample", "models")]
    public void Batch_prediction_equals_one_by_one_and_engines_agree()
    {
        var model = MaskClassifier.Load(fixture.Run!.ModelPath, fixture.Store);
        var files = Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).Take(4).ToList();
        var images = files.Select(f => ImageCodec.Read(f)).ToList();
        try
        {
            using var a = model.CreatePredictionEngine(fixture.Store);
            using var b = model.CreatePredictionEngine(fixture.Store);
            var batch = a.PredictFaces(images);
            for (int i = 0; i < images.Count; i++)
            {
                var single = b.PredictFace(images[i]);
                single.Label.Should().Be(batch[i].Label);
                single.Probabilities.Should().BeEquivalentTo(batch[i].Probabilities, o => o.Using<float>(x => x.Subject.Should().BeApproximately(x.Expectation, 1e-4f)).WhenTypeIs<float>());
            }
        }
        finally
        {
            images.ForEach(i => i.Dispose());
        }
    }

    [SharedFact("data/faces-dlib/images/2008_002506.jpg")]
    public void Whole_image_prediction_finds_the_face_and_reports_its_box()
    {
        var model = MaskClassifier.Load(fixture.Run!.ModelPath, fixture.Store);
        using var engine = model.CreatePredictionEngine(fixture.Store);

        var p = engine.Predict(SharedData.Full("data/faces-dlib/images/2008_002506.jpg"));

        p.FaceBox.Should().NotBeNull("the photo has faces, so the model's face crop is used");
        p.Probabilities.Sum().Should().BeApproximately(1f, 1e-4f);
        model.Labels.Should().Contain(p.Label);
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predicting_an_unreadable_file_is_a_decode_error_naming_it()
    {
        var model = MaskClassifier.Load(fixture.Run!.ModelPath, fixture.Store);
        using var engine = model.CreatePredictionEngine(fixture.Store);
        var path = Path.Combine(fixture.Root!, "not-an-image.jpg");
        File.WriteAllText(path, "hello");

        FluentActions.Invoking(() => engine.Predict(path)).Should().Throw<ImageDecodeException>().WithMessage($"*{path}*");
    }
}
