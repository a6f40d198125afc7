using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using MaskTrainer.Tests.Features;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Xunit.Abstractions;

namespace MaskTrainer.Tests.Onnx;

/// <summary><see cref="FeatureGraphs.PreparePixelGraph"/> on the real backbones, checked against the paths it replaces.</summary>
public sealed class PixelGraphTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "mt-pixel-graph-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> CatalogBackbones => [.. ModelCatalog.Default.WithRole(ModelRole.Backbone).Select(m => m.Id)];

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(CatalogBackbones))]
    public void Every_catalog_backbone_whose_files_are_here_gets_a_pixel_graph_of_its_feature_size(string id)
    {
        var spec = ModelCatalog.Default.Get(id);
        if (LocalFiles(spec) is not { } files)
        {
            output.WriteLine($"SKIPPED: {id}: its files are neither bundled nor in {SharedData.Full("models")}");
            return;
        }

        var graph = FeatureGraphs.PreparePixelGraph(spec, files);

        graph.FeatureSize.Should().Be(spec.FeatureSize);
        graph.InputName.Should().Be("pixels");
        graph.OutputName.Should().Be("features");
        (graph.InputWidth, graph.InputHeight, graph.ChannelOrder).Should().Be((spec.Preprocessing!.InputWidth, spec.Preprocessing.InputHeight, spec.Preprocessing.ChannelOrder));
        using var session = new InferenceSession(graph.Path);
        session.InputMetadata.Keys.Should().Equal("pixels");
        session.InputMetadata["pixels"].Dimensions.Should().Equal(-1, 3, graph.InputHeight, graph.InputWidth);
        session.OutputMetadata.Keys.Should().Equal("features");
        session.OutputMetadata["features"].Dimensions.Should().Equal(-1, graph.FeatureSize);
    }

    [SharedFact(FeaturesTestData.MaskSample)]
    public void Resnet18s_graph_equals_its_two_original_files_run_one_after_the_other_on_RGB_planes()
    {
        var spec = ModelCatalog.Default.Get("resnet18");
        var files = LocalFiles(spec)!;
        var graph = FeatureGraphs.PreparePixelGraph(spec, files);
        graph.FeatureSize.Should().Be(512);
        graph.LayerShape.Should().Equal(512, 1, 1);
        graph.ChannelOrder.Should().Be(ChannelOrder.Rgb);

        using var composed = OnnxNet.Load(graph.Path, threads: 2);
        using var network = new InferenceSession(files[0]);
        using var prep = new InferenceSession(files[1]);
        foreach (var example in FeaturesTestData.Examples(2))
        {
            using var image = ImageCodec.Read(example.Path);
            var pixels = new float[3 * 224 * 224];
            InputTensor.WritePixels(image, graph, pixels);
            pixels.AsSpan().CopyTo(composed.Input(1));
            composed.Run(1);

            // The package's own pair: OriginalInput (RGB planes, 0..255) -> PreprocessedInput -> Input247.
            var preprocessed = RunSingle(prep, "OriginalInput", pixels, [1, 3, 224, 224]);
            var reference = RunSingle(network, "Input247", preprocessed, [1, 3, 224, 224]);
            reference.Should().HaveCount(512);
            AssertClose(composed.Output(0).ToArray(), reference, example.Path);
        }
    }

    [SharedTheory(FeaturesTestData.FrExpression, FeaturesTestData.FrPose, FeaturesTestData.MaskSample)]
    [InlineData("fr-expression-b3")]
    [InlineData("fr-pose")]
    [InlineData("fr-expression")]
    public void The_pixel_graph_equals_the_old_path_of_preprocessed_tensor_cut_graph_and_pooling(string id)
    {
        var spec = ModelCatalog.Default.Get(id);
        var p = spec.Preprocessing!;
        var files = LocalFiles(spec)!;
        var graph = FeatureGraphs.PreparePixelGraph(spec, files);
        using var pixelNet = OnnxNet.Load(graph.Path, threads: 2);
        using var oldNet = OnnxNet.Load(FeatureGraphs.Prepare(files[0], spec.FeatureLayer), threads: 2);
        var examples = FeaturesTestData.Examples(3, skip: 10);
        var images = examples.Select(e => ImageCodec.Read(e.Path)).ToArray();
        try
        {
            int per = 3 * p.InputWidth * p.InputHeight;
            for (int i = 0; i < images.Length; i++)
            {
                InputTensor.WritePixels(images[i], graph, pixelNet.Input(images.Length).Slice(i * per, per));
            }

            pixelNet.Run(images.Length);
            var batch = pixelNet.Output(0).ToArray();
            batch.Should().HaveCount(images.Length * graph.FeatureSize);

            for (int i = 0; i < images.Length; i++)
            {
                // Before the pixel graph: InputTensor.Write normalised, the cut graph ran, pooling was done in C#.
                InputTensor.Write(images[i], p, oldNet.Input(1));
                oldNet.Run(1);
                var raw = oldNet.Output(0).ToArray();
                var reference = spec.FeaturePooling == FeaturePooling.GlobalAverage ? Pool(raw, graph.LayerShape) : raw;
                AssertClose(batch.AsSpan(i * graph.FeatureSize, graph.FeatureSize).ToArray(), reference, examples[i].Path);
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

    [SharedFact(FeaturesTestData.FrExpression)]
    public void A_second_prepare_reuses_the_cached_file_and_another_pooling_or_order_makes_another()
    {
        var spec = ModelCatalog.Default.Get("fr-expression-b3");
        var files = LocalFiles(spec)!;

        var first = FeatureGraphs.PreparePixelGraph(spec, files, _cache);
        var written = File.GetLastWriteTimeUtc(first.Path);
        var length = new FileInfo(first.Path).Length;
        var second = FeatureGraphs.PreparePixelGraph(spec, files, _cache);

        second.Should().BeEquivalentTo(first);
        File.GetLastWriteTimeUtc(second.Path).Should().Be(written);
        new FileInfo(second.Path).Length.Should().Be(length);
        Directory.GetFiles(_cache, "*.onnx").Should().ContainSingle();
        first.LayerShape.Should().Equal(1024, 14, 14);
        Path.GetFileName(first.Path).Should().StartWith("fr_expression." + spec.Files[0].Sha256[..16] + ".pixels-");

        var unpooled = FeatureGraphs.PreparePixelGraph(spec with { FeaturePooling = FeaturePooling.None, FeatureSize = null }, files, _cache);
        var bgr = FeatureGraphs.PreparePixelGraph(spec with { Preprocessing = Reorder(spec.Preprocessing!, ChannelOrder.Bgr) }, files, _cache);
        unpooled.FeatureSize.Should().Be(1024 * 14 * 14);
        new[] { first.Path, unpooled.Path, bgr.Path }.Should().OnlyHaveUniqueItems();
        new[] { first.Key, unpooled.Key, bgr.Key }.Should().OnlyHaveUniqueItems();
        Directory.GetFiles(_cache, "*.onnx").Should().HaveCount(3);
    }

    [SharedFact(FeaturesTestData.FrExpression)]
    public void A_cached_file_without_metadata_is_replaced_and_a_wrong_file_is_refused()
    {
        var spec = ModelCatalog.Default.Get("fr-expression-b3");
        var files = LocalFiles(spec)!;
        var graph = FeatureGraphs.PreparePixelGraph(spec, files, _cache);
        File.WriteAllBytes(graph.Path, [1, 2, 3]);

        var again = FeatureGraphs.PreparePixelGraph(spec, files, _cache);

        again.Should().BeEquivalentTo(graph);
        new FileInfo(again.Path).Length.Should().BeGreaterThan(1_000_000);
        var expression = ModelCatalog.Default.Get("fr-expression");
        FluentActions.Invoking(() => FeatureGraphs.PreparePixelGraph(expression, [SharedData.Full(FeaturesTestData.FrPose)], _cache))
            .Should().Throw<OnnxGraphEditException>().WithMessage("*fr_pose.onnx: SHA-256 is *, model 'fr-expression' expects *");
        FluentActions.Invoking(() => FeatureGraphs.PreparePixelGraph(spec with { FeatureLayer = "no_such_layer" }, files, _cache))
            .Should().Throw<OnnxGraphEditException>().WithMessage("*no tensor or node \"no_such_layer\"*");
    }

    [Fact]
    public void The_cache_key_text_names_every_file_hash_the_preprocessing_layer_and_pooling()
    {
        var spec = ModelCatalog.Default.Get("resnet18");
        var text = FeatureGraphs.Describe(spec, [.. spec.Files.Select(f => f.Sha256)]);

        text.Should().Contain(spec.Files[0].Sha256).And.Contain(spec.Files[1].Sha256)
            .And.Contain("224x224 RGB NCHW, model ResNetPreprocess.onnx").And.Contain("Pooling395_Output_0").And.Contain("pooling None");
    }

    /// <summary>Local paths of <paramref name="spec"/>'s files (bundled or in the shared models), or null when one is missing.</summary>
    internal static string[]? LocalFiles(ModelSpec spec)
    {
        var paths = new string[spec.Files.Count];
        for (int i = 0; i < paths.Length; i++)
        {
            var file = spec.Files[i];
            var candidates = (file.Source is LocalFileSource local ? local.Paths : []).Append(SharedData.Full(Path.Combine("models", file.Name)));
            if (candidates.FirstOrDefault(File.Exists) is not { } found)
            {
                return null;
            }

            paths[i] = found;
        }

        return paths;
    }

    internal static void AssertClose(float[] actual, float[] expected, string because)
    {
        actual.Should().HaveSameCount(expected);
        var worst = 0f;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / (1f + Math.Abs(expected[i])));
        }

        worst.Should().BeLessThan(1e-4f, because);
    }

    private static float[] RunSingle(InferenceSession session, string input, float[] values, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(values, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [input], [value], session.OutputNames);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] Pool(float[] raw, IReadOnlyList<int> shape)
    {
        int channels = shape[0], area = shape[1] * shape[2];
        var pooled = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int k = 0; k < area; k++)
            {
                sum += raw[c * area + k];
            }

            pooled[c] = (float)(sum / area);
        }

        return pooled;
    }

    private static Preprocessing Reorder(Preprocessing p, ChannelOrder order) =>
        new(p.InputWidth, p.InputHeight, order, p.Mean, p.Scale, p.Layout, p.Std);
}
