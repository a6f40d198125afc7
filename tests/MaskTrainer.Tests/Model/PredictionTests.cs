using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Tests.Pipeline;
using OpenCvSharp;

namespace MaskTrainer.Tests.Model;

/// <summary>Prediction through ML.NET PredictionEngines from a loaded zip.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PredictionTests(TrainedModelFixture fixture)
{
    [SharedFact("data/mask-sample", "models")]
    public void Two_threads_x_500_predictions_give_exactly_the_single_threaded_scores()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var predictor = new MaskPredictor(model);
        var crops = Crops(model, 10);
        var expected = crops.Select(c => predictor.Predict(c).Score).ToArray();

        var mismatches = new int[2];
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t =>
        {
            var output = new ModelOutput();
            for (int i = 0; i < 500; i++)
            {
                int k = (i + t * 5) % crops.Length;
                predictor.Predict(crops[k], ref output);
                if (!output.Score.AsSpan().SequenceEqual(expected[k]))
                {
                    mismatches[t]++;
                }
            }
        });

        mismatches.Should().Equal(0, 0);
        foreach (var c in crops)
        {
            c.Dispose();
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Disposing_an_engine_or_a_predictor_leaves_the_model_usable()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        var crops = Crops(model, 2);
        float[] first;
        using (var predictor = new MaskPredictor(model))
        {
            first = predictor.Predict(crops[0]).Score;
        }

        model.CreatePredictionEngine().Dispose();
        using var again = new MaskPredictor(model);
        again.Predict(crops[0]).Score.Should().Equal(first);
        foreach (var c in crops)
        {
            c.Dispose();
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void The_graph_embedded_in_the_model_computes_the_catalog_backbones_features()
    {
        // The fallback evaluate uses when the catalog backbone cannot be had: same features, same cache key.
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var catalog = ModelBackbone.OpenFeaturizer(model, fixture.Store!);
        using var embedded = ModelBackbone.OpenEmbedded(model);
        embedded.CacheKey.Should().Be(catalog.CacheKey);
        embedded.Graph.ChannelOrder.Should().Be(catalog.Graph.ChannelOrder);
        var crops = Crops(model, 4);
        var expected = new float[crops.Length * catalog.FeatureSize];
        var actual = new float[crops.Length * embedded.FeatureSize];
        catalog.Featurize(crops, expected);
        embedded.Featurize(crops, actual);

        actual.Should().Equal(expected);
        foreach (var c in crops)
        {
            c.Dispose();
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Cached_training_features_equal_what_the_loaded_model_computes()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var featurizer = ModelBackbone.OpenFeaturizer(model, fixture.Store!);
        var crops = Crops(model, 4);
        var batched = new float[crops.Length * featurizer.FeatureSize];
        featurizer.Featurize(crops, batched);

        var engine = model.Context.Model.CreatePredictionEngine<ModelInput, FeaturesOnly>(model.Featurizer);
        for (int i = 0; i < crops.Length; i++)
        {
            using var image = MLImages.FromMat(crops[i]);
            var features = engine.Predict(new ModelInput { Image = image }).Features;
            features.Should().HaveCount(featurizer.FeatureSize);
            for (int j = 0; j < features.Length; j++)
            {
                Math.Abs(features[j] - batched[i * featurizer.FeatureSize + j]).Should().BeLessThan(1e-4f, $"crop {i}, feature {j}");
            }
        }

        foreach (var c in crops)
        {
            c.Dispose();
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predict_refuses_a_named_pipe_in_one_line_without_opening_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes are told apart by statx(2), on Linux only
        }

        using var temp = new MaskTrainer.Tests.Imaging.TempFolder();
        var pipe = NamedPipe.Create(temp.File("pipe.jpg"));

        var (code, stdout, stderr) = NamedPipe.Within(pipe, () => TrainCli.Run("predict", "--model", fixture.Run!.ModelPath, pipe));

        code.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Should().Be($"error: {pipe}: a named pipe (FIFO), not a regular file{Environment.NewLine}");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predict_says_no_face_found_instead_of_labelling_a_photo_without_faces()
    {
        var dogs = SharedData.Path("data/faces-dlib/images/dogs.jpg");
        if (dogs is null)
        {
            return;
        }

        var (code, stdout, _) = TrainCli.Run("predict", "--model", fixture.Run!.ModelPath, dogs);

        code.Should().Be(0);
        stdout.Trim().Should().Be($"{dogs}\tno face found (nothing classified)");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predict_finds_the_faces_the_detector_app_finds_not_every_box_of_the_training_crops_detector()
    {
        // Tight face photos: the training crops' detector (which training asks only for the best face)
        // puts several overlapping boxes on many of them, and predict used to label each as a face.
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var predictor = new FacePredictor(model, fixture.Store!);
        using var live = FaceDetectors.Create(model.FaceCrop.LiveDetectorId ?? FaceDetectors.LiveId, fixture.Store!);
        using var crops = FaceDetectors.Create(model.FaceCrop.DetectorId!, fixture.Store!);
        int predicted = 0, cropBoxes = 0;
        foreach (var file in Directory.GetFiles(SharedData.Full("data/mask-sample/with_mask")).Order(StringComparer.Ordinal).Take(30))
        {
            using var image = ImageCodec.Read(file);
            var faces = predictor.Predict(image);
            faces.Select(f => f.Box!.Value).Should().Equal(live.Detect(image).Select(f => f.Box), file);
            predicted += faces.Count;
            cropBoxes += crops.Detect(image, model.FaceCrop.MinConfidence).Count;
        }

        predicted.Should().BeLessThan(cropBoxes, "the live detector keeps one box per face");
    }

    [SharedFact("data/mask-sample", "models", "data/faces-dlib")]
    public void FacePredictor_takes_grey_and_BGRA_photos_as_MaskPredictor_does_and_says_what_it_refuses_without_pointers()
    {
        using var model = MaskModel.Load(fixture.Run!.ModelPath);
        using var faces = new FacePredictor(model, fixture.Store!);
        using var photo = ImageCodec.Read(SharedData.Full("data/faces-dlib/images/2008_002506.jpg"));
        using var bgra = photo.CvtColor(ColorConversionCodes.BGR2BGRA);
        using var grey = photo.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var greyAsBgr = grey.CvtColor(ColorConversionCodes.GRAY2BGR);
        var expected = faces.Predict(photo);
        expected.Should().NotBeEmpty();

        faces.Predict(bgra).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        faces.Predict(grey).Should().BeEquivalentTo(faces.Predict(greyAsBgr), o => o.WithStrictOrdering());

        // The messages said "got Mat [ 0*0*CV_8UC1, ..., Ptr=0x55d3...]".
        using var empty = new Mat();
        using var floats = new Mat();
        photo.ConvertTo(floats, MatType.CV_32FC3);
        FluentActions.Invoking(() => faces.Predict(empty)).Should().Throw<ArgumentException>()
            .Which.Message.Should().Be("the image is empty (Parameter 'image')");
        FluentActions.Invoking(() => faces.Predict(floats)).Should().Throw<ArgumentException>()
            .Which.Message.Should().Be($"expected an 8-bit grey, BGR or BGRA image, got 3-channel CV_32FC3 {photo.Cols}x{photo.Rows} (Parameter 'image')");
    }

    /// <summary>Face crops of test images at the backbone's input size, as the apps make them.</summary>
    internal static Mat[] Crops(MaskModel model, int count)
    {
        var files = Directory.GetFiles(SharedData.Full("data/mask-sample/without_mask")).Order(StringComparer.Ordinal).Skip(100).Take(count / 2)
            .Concat(Directory.GetFiles(SharedData.Full("data/mask-sample/with_mask")).Order(StringComparer.Ordinal).Skip(100).Take(count - count / 2));
        var b = model.Metadata.Backbone;
        var crops = new List<Mat>();
        foreach (var f in files)
        {
            using var image = ImageCodec.Read(f);
            var face = new Rect(image.Cols / 8, image.Rows / 8, image.Cols * 3 / 4, image.Rows * 3 / 4);
            using var crop = FaceCropper.Crop(image, face, model.FaceCrop.CropOptions);
            crops.Add(InputTensor.ResizeForInput(crop, b.InputWidth, b.InputHeight));
        }

        return [.. crops];
    }

    private sealed class FeaturesOnly
    {
        public float[] Features { get; set; } = [];
    }
}
