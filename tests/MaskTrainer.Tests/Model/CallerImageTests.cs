using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Tests.Pipeline;
using Microsoft.ML.Data;

namespace MaskTrainer.Tests.Model;

/// <summary>
/// A caller's <see cref="MLImage"/> stays the caller's: ML.NET's engines dispose an image already at
/// the model's input size when they read the next row (dotnet/machinelearning#7444), and the
/// crops <c>predict --crops</c> writes are exactly that size.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class CallerImageTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly ZipTempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedFact("data/mask-sample", "models")]
    public void An_input_size_image_predicted_twice_gives_the_same_scores_and_is_usable_after()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var predictor = new MaskPredictor(model);
        var (file, expected) = CropFile(model, predictor);
        using var image = MLImage.CreateFromFile(file);
        image.Width.Should().Be(model.Metadata.Backbone.InputWidth, "the case ML.NET passes through");
        var pixels = image.Pixels.ToArray();

        var first = predictor.Predict(new ModelInput { Image = image }).Score;
        var second = predictor.Predict(new ModelInput { Image = image }).Score;

        first.Should().Equal(expected);
        second.Should().Equal(expected);
        image.Width.Should().Be(model.Metadata.Backbone.InputWidth);
        image.Pixels.ToArray().Should().Equal(pixels, "the caller's pixels are left as they were");
    }

    [SharedFact("data/mask-sample", "models")]
    public void One_input_size_image_shared_by_four_threads_is_neither_disposed_nor_scored_differently()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var predictor = new MaskPredictor(model);
        var (file, expected) = CropFile(model, predictor);
        using var shared = MLImage.CreateFromFile(file);
        var pixels = shared.Pixels.ToArray();

        var failures = new int[4];
        Parallel.For(0, failures.Length, new ParallelOptions { MaxDegreeOfParallelism = failures.Length }, t =>
        {
            // Each thread also holds an image of its own across the others' predictions (pooled engines).
            using var own = MLImage.CreateFromFile(file);
            var output = new ModelOutput();
            for (int i = 0; i < 25; i++)
            {
                predictor.Predict(new ModelInput { Image = i % 2 == 0 ? shared : own }, ref output);
                if (!output.Score.AsSpan().SequenceEqual(expected))
                {
                    failures[t]++;
                }
            }

            own.Pixels.ToArray().Should().Equal(pixels);
        });

        failures.Should().Equal(0, 0, 0, 0);
        shared.Pixels.ToArray().Should().Equal(pixels);
    }

    [SharedFact("data/mask-sample", "models")]
    public void An_input_without_an_image_is_refused_naming_the_property()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var predictor = new MaskPredictor(model);

        var act = () => predictor.Predict(new ModelInput());

        act.Should().Throw<ArgumentException>().Which.Message.Should().StartWith("ModelInput.Image is null");
    }

    /// <summary>A face crop at the input size saved as PNG (as <c>predict --crops</c> writes it), and the scores of the same crop as a Mat.</summary>
    private (string File, float[] Scores) CropFile(MaskModel model, MaskPredictor predictor)
    {
        var crop = PredictionTests.Crops(model, 1)[0];
        using (crop)
        {
            var file = Path.Combine(_folder.Folder("h2-caller-image"), "face1.png");
            ImageCodec.Write(file, crop);
            return (file, predictor.Predict(crop).Score);
        }
    }
}
