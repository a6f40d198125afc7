using System.Numerics.Tensors;
using MaskTrainer.Features;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace MaskTrainer.Tests.Features;

public sealed class BackboneFeaturizerTests : IClassFixture<FrPoseFixture>
{
    private readonly FrPoseFixture _pose;

    public BackboneFeaturizerTests(FrPoseFixture pose)
    {
        _pose = pose;
    }

    private static ModelSpec PoseSpec => ModelCatalog.Default.Get("fr-pose");

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Fr_pose_gives_1024_values_per_image_and_the_same_values_twice()
    {
        var featurizer = _pose.Featurizer;
        var examples = FeaturesTestData.Examples(2);
        using var a = ImageCodec.Read(examples[0].Path);
        using var b = ImageCodec.Read(examples[1].Path);

        var first = featurizer.Featurize(a);
        var again = featurizer.Featurize(a);
        var other = featurizer.Featurize(b);

        featurizer.FeatureSize.Should().Be(1024);
        featurizer.FeatureShape.Should().Equal(1024);
        first.Should().HaveCount(1024).And.OnlyContain(v => float.IsFinite(v));
        again.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Features_equal_a_bare_OpenCV_forward_with_the_catalog_preprocessing()
    {
        var featurizer = _pose.Featurizer;
        var p = PoseSpec.Preprocessing!;
        using var image = ImageCodec.Read(FeaturesTestData.Examples(1)[0].Path);

        var ours = featurizer.Featurize(image);

        // The reference: OpenCV's DNN (the engine we used before ONNX Runtime), blobFromImage for
        // mean and scale on an RGB copy resized by cv::resize (OpenCV 4.13's blobFromImage resizes
        // differently and no longer swaps the mean with swapRB), then
        // each plane divided by its std.
        using var net = CvDnn.ReadNetFromOnnx(FeaturesTestData.ModelPath("fr_pose.onnx"))!;
        using var resized = new Mat();
        Cv2.Resize(image, resized, new Size(224, 224), interpolation: InterpolationFlags.Linear);
        using var rgb = new Mat();
        Cv2.CvtColor(resized, rgb, ColorConversionCodes.BGR2RGB);
        using var blob = CvDnn.BlobFromImage(rgb, p.Scale, new Size(224, 224), new Scalar(p.Mean[0], p.Mean[1], p.Mean[2]), swapRB: false);
        var planes = blob.GetFloats();
        for (int c = 0; c < 3; c++)
        {
            TensorPrimitives.Divide(planes.Slice(c * 224 * 224, 224 * 224), p.Std![c], planes.Slice(c * 224 * 224, 224 * 224));
        }

        net.SetInput(blob);
        using var output = net.Forward(PoseSpec.FeatureLayer);
        var reference = output.GetFloats().ToArray();

        reference.Should().HaveCount(1024);
        for (int i = 0; i < reference.Length; i++)
        {
            ours[i].Should().BeApproximately(reference[i], 1e-4f + 1e-4f * Math.Abs(reference[i]), $"feature {i}");
        }
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void Fr_pose_batches_equal_its_images_one_by_one()
    {
        using var store = FeaturesTestData.Store();
        using var featurizer = BackboneFeaturizer.Create(PoseSpec, store);
        var examples = FeaturesTestData.Examples(3);
        var images = examples.Select(e => ImageCodec.Read(e.Path)).ToArray();
        try
        {
            var batch = new float[3 * 1024];
            featurizer.Featurize(images, batch);

            // Its channel-shuffle reshapes fixed the batch at 1 in OpenCV's DNN; in ONNX Runtime,
            // with the batch made symbolic, it either batches or falls back: same values either way.
            for (int i = 0; i < 3; i++)
            {
                batch.AsSpan(i * 1024, 1024).ToArray().Should().Equal(featurizer.Featurize(images[i]));
            }
        }
        finally
        {
            foreach (var m in images)
            {
                m.Dispose();
            }
        }
    }

    [SharedFact(FeaturesTestData.FrPose)]
    public void Global_average_pooling_of_the_last_conv_layer_equals_the_models_own_pooling()
    {
        using var store = FeaturesTestData.Store();
        var spec = PoseSpec with { FeatureLayer = "onnx_node!Relu_202", FeatureSize = null };
        using var pooled = BackboneFeaturizer.Create(spec, store, new BackboneFeaturizerOptions { Pooling = FeaturePooling.GlobalAverage });
        using var image = new Mat(150, 120, MatType.CV_8UC3, new Scalar(40, 90, 160));

        var ours = pooled.Featurize(image);
        var reference = _pose.Featurizer.Featurize(image);

        pooled.FeatureShape.Should().Equal(1024, 7, 7);
        pooled.FeatureSize.Should().Be(1024);
        for (int i = 0; i < 1024; i++)
        {
            ours[i].Should().BeApproximately(reference[i], 1e-4f + 1e-4f * Math.Abs(reference[i]));
        }

        pooled.CacheKey.Should().NotBe(_pose.Featurizer.CacheKey);
    }

    [SharedFact(FeaturesTestData.FrPose)]
    public void A_spatial_layer_given_without_pooling_is_global_average_pooled_and_says_so()
    {
        // What --backbone fr_pose.onnx --backbone-layer onnx_node!Relu_202 asks for: a 1024 x 7 x 7
        // map, which flattened gave 50,176 values and a head at chance.
        using var store = FeaturesTestData.Store();
        var spec = ModelCatalog.ForUserBackbone(FeaturesTestData.ModelPath("fr_pose.onnx"), PoseSpec.Preprocessing!, "onnx_node!Relu_202", null);
        using var featurizer = BackboneFeaturizer.Create(spec, store);
        using var pooled = BackboneFeaturizer.Create(spec, store, new BackboneFeaturizerOptions { Pooling = FeaturePooling.GlobalAverage });
        using var image = new Mat(150, 120, MatType.CV_8UC3, new Scalar(40, 90, 160));

        featurizer.PooledSpatialLayer.Should().BeTrue();
        featurizer.FeatureShape.Should().Equal(1024, 7, 7);
        featurizer.FeatureSize.Should().Be(1024);
        featurizer.Featurize(image).Should().Equal(pooled.Featurize(image), "the same graph as pooling asked for");
        featurizer.CacheKey.Should().Be(pooled.CacheKey);
        pooled.PooledSpatialLayer.Should().BeFalse("pooling was asked for");
        _pose.Featurizer.PooledSpatialLayer.Should().BeFalse("ReduceMean_203 is already a vector");
    }

    [SharedFact(FeaturesTestData.FrPose)]
    public void The_plain_node_name_of_a_layer_works_as_its_onnx_node_form()
    {
        using var store = FeaturesTestData.Store();
        using var featurizer = BackboneFeaturizer.Create(PoseSpec with { FeatureLayer = "ReduceMean_203" }, store);
        using var image = new Mat(150, 120, MatType.CV_8UC3, new Scalar(40, 90, 160));

        featurizer.FeatureSize.Should().Be(1024);
        featurizer.Featurize(image).Should().Equal(_pose.Featurizer.Featurize(image));
    }

    [SharedFact(FeaturesTestData.FrPose)]
    public void The_cache_key_names_the_file_hash_and_changes_with_preprocessing_and_layer()
    {
        var key = _pose.Featurizer.CacheKey;
        var p = PoseSpec.Preprocessing!;
        using var store = FeaturesTestData.Store();
        using var otherMean = BackboneFeaturizer.Create(
            PoseSpec with { Preprocessing = new Preprocessing(224, 224, ChannelOrder.Rgb, [0, 0, 0], p.Scale, TensorLayout.Nchw, p.Std) }, store);
        using var otherOrder = BackboneFeaturizer.Create(
            PoseSpec with { Preprocessing = new Preprocessing(224, 224, ChannelOrder.Bgr, p.Mean, p.Scale, TensorLayout.Nchw, p.Std) }, store);
        using var otherLayer = BackboneFeaturizer.Create(PoseSpec with { FeatureLayer = "onnx_node!Gemm_204", FeatureSize = null }, store);

        key.Should().Contain(PoseSpec.Files[0].Sha256).And.Contain("onnx_node!ReduceMean_203").And.Contain("224x224");
        new[] { key, otherMean.CacheKey, otherOrder.CacheKey, otherLayer.CacheKey }.Should().OnlyHaveUniqueItems();
        otherLayer.FeatureSize.Should().Be(66);
    }

    [SharedFact(FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    public void The_network_is_loaded_into_onnx_runtime_at_the_first_image_not_before()
    {
        // A training run whose features are all cached never featurizes: it must not pay for the session.
        using var store = FeaturesTestData.Store();
        using var featurizer = BackboneFeaturizer.Create(PoseSpec, store);
        featurizer.FeatureSize.Should().Be(1024);
        featurizer.CacheKey.Should().NotBeEmpty();
        featurizer.IsSessionLoaded.Should().BeFalse();

        using var image = ImageCodec.Read(FeaturesTestData.Examples(1)[0].Path);
        featurizer.Featurize(image).Should().Equal(_pose.Featurizer.Featurize(image));
        featurizer.IsSessionLoaded.Should().BeTrue();
    }

    [SharedFact(FeaturesTestData.FrPose)]
    public void A_cached_model_whose_bytes_changed_after_it_was_verified_is_deleted_so_the_next_run_fetches_it()
    {
        // A copy the store owns has a sidecar (hash, size, mtime); bytes changed under the same size
        // and mtime (bit rot) pass the sidecar, and only the featurizer's own hash finds them.
        var folder = Directory.CreateTempSubdirectory("mt-rot-").FullName;
        try
        {
            string cached = Path.Combine(folder, "fr_pose.onnx");
            File.Copy(FeaturesTestData.ModelPath("fr_pose.onnx"), cached);
            File.WriteAllText(cached + ".sha256", "stamp");
            var expression = ModelCatalog.Default.Get("fr-expression");

            FluentActions.Invoking(() => new BackboneFeaturizer(expression, [cached]))
                .Should().Throw<BackboneException>().WithMessage($"{cached}: SHA-256 is *; the damaged copy was deleted from the model cache: run again to fetch it");
            File.Exists(cached).Should().BeFalse();
            File.Exists(cached + ".sha256").Should().BeFalse();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SharedFact(FeaturesTestData.FrPose)]
    public void A_wrong_feature_size_layer_or_file_is_a_one_line_BackboneException()
    {
        using var store = FeaturesTestData.Store();
        string file = FeaturesTestData.ModelPath("fr_pose.onnx");

        FluentActions.Invoking(() => BackboneFeaturizer.Create(PoseSpec with { FeatureSize = 512 }, store))
            .Should().Throw<BackboneException>().WithMessage("*fr_pose.onnx: layer 'onnx_node!ReduceMean_203' gives 1024 values per image, model 'fr-pose' says 512");
        FluentActions.Invoking(() => BackboneFeaturizer.Create(PoseSpec with { FeatureLayer = "no_such_layer" }, store))
            .Should().Throw<BackboneException>().WithMessage("*fr_pose.onnx: cannot load backbone 'fr-pose': *no tensor or node \"no_such_layer\"*");
        var expression = ModelCatalog.Default.Get("fr-expression");
        FluentActions.Invoking(() => new BackboneFeaturizer(expression, [file]))
            .Should().Throw<BackboneException>().WithMessage($"{file}: SHA-256 is {PoseSpec.Files[0].Sha256}, model 'fr-expression' expects *; replace it with the right file");
        File.Exists(file).Should().BeTrue("a file in a models folder is the user's: named, never deleted");
        FluentActions.Invoking(() => BackboneFeaturizer.Create(ModelCatalog.Default.Get("res10"), store))
            .Should().Throw<BackboneException>().WithMessage("model 'res10' is a FaceDetector, not a backbone");
    }

    [SharedFact(FeaturesTestData.FrExpression, FeaturesTestData.MaskSample)]
    public void Fr_expression_batches_and_a_batch_equals_images_one_by_one()
    {
        using var store = FeaturesTestData.Store();
        // Three images with at most two per pass: one batch of two, then a single image.
        using var featurizer = BackboneFeaturizer.Create(ModelCatalog.Default.Get("fr-expression"), store, new BackboneFeaturizerOptions { MaxBatchSize = 2 });
        var images = FeaturesTestData.Examples(3).Select(e => ImageCodec.Read(e.Path)).ToArray();
        try
        {
            var batch = new float[3 * 1024];
            featurizer.Featurize(images, batch);

            featurizer.SupportsBatching.Should().BeTrue();
            featurizer.FeatureSize.Should().Be(1024);
            for (int i = 0; i < 3; i++)
            {
                var single = featurizer.Featurize(images[i]);
                for (int j = 0; j < 1024; j++)
                {
                    batch[i * 1024 + j].Should().BeApproximately(single[j], 1e-4f + 1e-4f * Math.Abs(single[j]));
                }
            }
        }
        finally
        {
            foreach (var m in images)
            {
                m.Dispose();
            }
        }
    }

    [SharedFact(FeaturesTestData.MaskSample)]
    public void Resnet18_runs_its_pixel_graph_from_the_bundled_files_in_batches_equal_to_single_images()
    {
        using var store = FeaturesTestData.Store();
        using var featurizer = BackboneFeaturizer.Create(ModelCatalog.Default.Get("resnet18"), store, new BackboneFeaturizerOptions { MaxBatchSize = 2 });
        var images = FeaturesTestData.Examples(3).Select(e => ImageCodec.Read(e.Path)).ToArray();
        try
        {
            var batch = new float[3 * 512];
            featurizer.Featurize(images, batch);

            featurizer.SupportsBatching.Should().BeTrue();
            (featurizer.FeatureSize, featurizer.Graph.FeatureSize).Should().Be((512, 512));
            featurizer.FeatureShape.Should().Equal(512, 1, 1);
            featurizer.Graph.ChannelOrder.Should().Be(ChannelOrder.Rgb);
            featurizer.CacheKey.Should().StartWith("backbone:v3|").And.Contain("model ResNetPreprocess.onnx");
            for (int i = 0; i < 3; i++)
            {
                var single = featurizer.Featurize(images[i]);
                single.Should().OnlyContain(v => float.IsFinite(v) && v >= 0, "ResNet-18's pooled features follow a ReLU");
                for (int j = 0; j < 512; j++)
                {
                    batch[i * 512 + j].Should().BeApproximately(single[j], 1e-4f + 1e-4f * Math.Abs(single[j]));
                }
            }
        }
        finally
        {
            foreach (var m in images)
            {
                m.Dispose();
            }
        }
    }
}
