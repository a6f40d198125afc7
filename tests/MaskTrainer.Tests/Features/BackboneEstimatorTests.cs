using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Tests.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using OpenCvSharp;

namespace MaskTrainer.Tests.Features;

/// <summary>
/// <see cref="BackboneEstimator"/> in ML.NET against <see cref="BackboneFeaturizer"/> in ONNX
/// Runtime: the same pixel graph, so the same features; and what ML.NET's image transforms do.
/// </summary>
public sealed class BackboneEstimatorTests
{
    [SharedTheory(FeaturesTestData.FrExpression, FeaturesTestData.MaskSample)]
    [InlineData("resnet18")]
    [InlineData("resnet18-int8")]
    [InlineData("fr-expression-b3")]
    public void MLNET_features_equal_the_batched_featurizers_on_images_at_the_input_size(string id)
    {
        using var store = FeaturesTestData.Store();
        using var featurizer = BackboneFeaturizer.Create(ModelCatalog.Default.Get(id), store, new BackboneFeaturizerOptions { Threads = 2 });
        var graph = featurizer.Graph;
        var images = ResizedExamples(4, graph);
        try
        {
            var ours = new float[images.Length * featurizer.FeatureSize];
            featurizer.Featurize(images, ours);

            var ml = new MLContext(seed: 1);
            var rows = images.Select(m => new ImageRow { Image = MLImages.FromMat(m) }).ToList();
            var data = ml.Data.LoadFromEnumerable(rows);
            var transformer = BackboneEstimator.Build(ml, graph, nameof(ImageRow.Image), "Features", threads: 2).Fit(data);
            var output = transformer.Transform(data);

            output.Schema["Features"].Type.Should().BeOfType<VectorDataViewType>().Which.Size.Should().Be(featurizer.FeatureSize);
            var theirs = output.GetColumn<float[]>("Features").ToArray();
            theirs.Should().HaveCount(images.Length);
            for (int i = 0; i < images.Length; i++)
            {
                PixelGraphTests.AssertClose(theirs[i], ours.AsSpan(i * featurizer.FeatureSize, featurizer.FeatureSize).ToArray(), $"{id} image {i}");
            }
        }
        finally
        {
            foreach (var image in images)
            {
                image.Dispose();
            }
        }
    }

    [SharedFact(FeaturesTestData.FrExpression, FeaturesTestData.MaskSample)]
    public void A_saved_model_reloaded_with_UseThreads_gives_the_same_features()
    {
        using var store = FeaturesTestData.Store();
        using var featurizer = BackboneFeaturizer.Create(ModelCatalog.Default.Get("fr-expression-b3"), store, new BackboneFeaturizerOptions { Threads = 2 });
        var images = ResizedExamples(2, featurizer.Graph);
        var zip = Path.Combine(Path.GetTempPath(), $"mt-backbone-estimator-{Guid.NewGuid():N}.zip");
        try
        {
            var ours = new float[2 * featurizer.FeatureSize];
            featurizer.Featurize(images, ours);
            var ml = new MLContext(seed: 1);
            var fitData = ml.Data.LoadFromEnumerable(images.Select(m => new ImageRow { Image = MLImages.FromMat(m) }).ToList());
            var transformer = BackboneEstimator.Build(ml, featurizer.Graph, nameof(ImageRow.Image), "Features", threads: 2).Fit(fitData);
            // An image-only schema cannot be saved ("No valid columns to save"): no input schema in the zip.
            ml.Model.Save(transformer, null, zip);

            var reloaded = new MLContext(seed: 1);
            BackboneEstimator.UseThreads(reloaded, 1);
            var model = reloaded.Model.Load(zip, out _);
            var data = reloaded.Data.LoadFromEnumerable(images.Select(m => new ImageRow { Image = MLImages.FromMat(m) }).ToList());
            var theirs = model.Transform(data).GetColumn<float[]>("Features").ToArray();

            for (int i = 0; i < images.Length; i++)
            {
                PixelGraphTests.AssertClose(theirs[i], ours.AsSpan(i * featurizer.FeatureSize, featurizer.FeatureSize).ToArray(), $"image {i}");
            }
        }
        finally
        {
            File.Delete(zip);
            foreach (var image in images)
            {
                image.Dispose();
            }
        }
    }

    [SharedFact(FeaturesTestData.MaskSample)]
    public void ResizeImages_passes_an_image_at_the_target_size_through_and_ExtractPixels_then_equals_WritePixels()
    {
        var ml = new MLContext(seed: 1);
        using var bgr = Resize(FeaturesTestData.Examples(1)[0].Path, 40, 30);
        foreach (var order in new[] { ChannelOrder.Rgb, ChannelOrder.Bgr })
        {
            var graph = new PixelGraph("unused.onnx", "pixels", "features", 40, 30, order, 1, [1], "0");
            using var image = MLImages.FromMat(bgr);
            var before = image.Pixels.ToArray();
            var data = ml.Data.LoadFromEnumerable([new ImageRow { Image = image }]);
            var pipeline = ml.Transforms.ResizeImages("Resized", 40, 30, nameof(ImageRow.Image), ImageResizingEstimator.ResizingKind.Fill)
                .Append(ml.Transforms.ExtractPixels("Pixels", "Resized", ImagePixelExtractingEstimator.ColorBits.Rgb,
                    BackboneEstimator.ColorsOrder(order), interleavePixelColors: false, offsetImage: 0, scaleImage: 1, outputAsFloatArray: true));
            var output = pipeline.Fit(data).Transform(data);

            using (var cursor = output.GetRowCursor(output.Schema))
            {
                var getImage = cursor.GetGetter<MLImage>(output.Schema["Resized"]);
                cursor.MoveNext().Should().BeTrue();
                MLImage resized = null!;
                getImage(ref resized);

                // The very object, pixels untouched.
                resized.Should().BeSameAs(image);
                resized!.Pixels.ToArray().Should().Equal(before);
            }

            var pixels = output.GetColumn<float[]>("Pixels").Single();
            var expected = new float[3 * 40 * 30];
            InputTensor.WritePixels(bgr, graph, expected);
            pixels.Should().Equal(expected, $"ExtractPixels {BackboneEstimator.ColorsOrder(order)} gives {order} planes");
        }
    }

    [SharedFact(FeaturesTestData.MaskSample)]
    public void ResizeImages_to_another_size_samples_nearest_pixels_unlike_OpenCVs_bilinear_resize()
    {
        var ml = new MLContext(seed: 1);
        using var bgr = ImageCodec.Read(FeaturesTestData.Examples(1)[0].Path);
        using var image = MLImages.FromMat(bgr);
        var data = ml.Data.LoadFromEnumerable([new ImageRow { Image = image }]);
        var resized = ml.Transforms.ResizeImages("Resized", 64, 64, nameof(ImageRow.Image), ImageResizingEstimator.ResizingKind.Fill)
            .Fit(data).Transform(data).GetColumn<MLImage>("Resized").Single();
        using var ours = MLImages.ToMat(resized);
        using var bilinear = new Mat();
        Cv2.Resize(bgr, bilinear, new Size(64, 64));

        // Every value ML.NET gives is one of the source's (nearest neighbour); bilinear mixes them.
        Cv2.Norm(ours, bilinear, NormTypes.L1).Should().BeGreaterThan(0);
        resized.Dispose();
    }

    [Fact]
    public void MLNET_disposes_input_images_that_ResizeImages_passes_through_but_not_those_it_resizes()
    {
        // ML.NET 6.0: ResizeImages hands a same-size image on as is, and the transforms after it
        // dispose the image they were given when the next row comes and when the cursor closes.
        var ml = new MLContext(seed: 1);
        using var mat = new Mat(8, 8, MatType.CV_8UC3, new Scalar(1, 2, 3));
        foreach (var (size, disposed) in new[] { (8, true), (6, false) })
        {
            var rows = Enumerable.Range(0, 3).Select(_ => new ImageRow { Image = MLImages.FromMat(mat) }).ToList();
            var data = ml.Data.LoadFromEnumerable(rows);
            var transformer = ml.Transforms.ResizeImages("Resized", size, size, nameof(ImageRow.Image), ImageResizingEstimator.ResizingKind.Fill)
                .Append(ml.Transforms.ExtractPixels("Pixels", "Resized", interleavePixelColors: false))
                .Fit(data);

            transformer.Transform(data).GetColumn<float[]>("Pixels").Should().HaveCount(3);

            rows.Select(r => IsDisposed(r.Image!)).Should().AllBeEquivalentTo(disposed, $"size {size}");
            using var engine = ml.Model.CreatePredictionEngine<ImageRow, PixelsRow>(transformer);
            using var once = MLImages.FromMat(mat);
            var row = new ImageRow { Image = once };
            engine.Predict(row);
            var second = FluentActions.Invoking(() => engine.Predict(row));
            if (disposed)
            {
                // The same image twice: the second call disposes it (the previous row's) before reading it.
                second.Should().Throw<InvalidOperationException>().WithMessage("Object is disposed.");
            }
            else
            {
                second.Should().NotThrow();
            }

            foreach (var r in rows)
            {
                r.Image!.Dispose(); // a second Dispose is harmless
            }
        }
    }

    [Fact]
    public void FromMat_makes_opaque_BGRA_from_grey_BGR_BGRA_and_region_views_and_ToMat_gives_BGR_back()
    {
        using var bgr = MatExtensions.FromPixels([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120], 2, 2, MatType.CV_8UC3);
        using (var image = MLImages.FromMat(bgr))
        {
            (image.Width, image.Height, image.PixelFormat).Should().Be((2, 2, MLPixelFormat.Bgra32));
            image.Pixels.ToArray().Should().Equal(10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255);
            using var back = MLImages.ToMat(image);
            back.GetBytes().ToArray().Should().Equal(bgr.GetBytes().ToArray());
        }

        using (var grey = MatExtensions.FromPixels([7, 8], 1, 2, MatType.CV_8UC1))
        using (var image = MLImages.FromMat(grey))
        {
            image.Pixels.ToArray().Should().Equal(7, 7, 7, 255, 8, 8, 8, 255);
        }

        using (var bgra = MatExtensions.FromPixels([1, 2, 3, 0, 4, 5, 6, 128], 1, 2, MatType.CV_8UC4))
        using (var image = MLImages.FromMat(bgra))
        {
            image.Pixels.ToArray().Should().Equal(1, 2, 3, 255, 4, 5, 6, 255);
        }

        using var big = new Mat(5, 6, MatType.CV_8UC3, new Scalar(1, 2, 3));
        big.Set(2, 3, new Vec3b(9, 9, 9));
        using var region = new Mat(big, new Rect(3, 2, 2, 2));
        using (var image = MLImages.FromMat(region))
        {
            image.Pixels.ToArray().Should().Equal(9, 9, 9, 255, 1, 2, 3, 255, 1, 2, 3, 255, 1, 2, 3, 255);
        }

        using var floats = new Mat(2, 2, MatType.CV_32FC3);
        FluentActions.Invoking(() => MLImages.FromMat(floats)).Should().Throw<ArgumentException>().WithMessage("expected an 8-bit image*");
    }

    [Fact]
    public void Channel_orders_map_to_ARGB_and_ABGR()
    {
        BackboneEstimator.ColorsOrder(ChannelOrder.Rgb).Should().Be(ImagePixelExtractingEstimator.ColorsOrder.ARGB);
        BackboneEstimator.ColorsOrder(ChannelOrder.Bgr).Should().Be(ImagePixelExtractingEstimator.ColorsOrder.ABGR);
    }

    /// <summary>The first <paramref name="count"/> mask-sample images resized as the featurizer resizes, to the graph's input size.</summary>
    private static Mat[] ResizedExamples(int count, PixelGraph graph) =>
        [.. FeaturesTestData.Examples(count).Select(e => Resize(e.Path, graph.InputWidth, graph.InputHeight))];

    private static Mat Resize(string path, int width, int height)
    {
        using var image = ImageCodec.Read(path);
        var resized = new Mat();
        Cv2.Resize(image, resized, new Size(width, height));
        return resized;
    }

    private static bool IsDisposed(MLImage image)
    {
        try
        {
            return image.Width <= 0;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private sealed class PixelsRow
    {
        public float[]? Pixels { get; set; }
    }

    private sealed class ImageRow
    {
        [ImageType(224, 224)] // declared only: ResizeImages and ExtractPixels read each image's own size
        public MLImage? Image { get; set; }
    }
}
