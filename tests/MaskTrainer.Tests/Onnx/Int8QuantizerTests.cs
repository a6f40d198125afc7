using System.Numerics.Tensors;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using MaskTrainer.Onnx;
using MaskTrainer.Tests.Features;
using Onnx;

namespace MaskTrainer.Tests.Onnx;

public sealed class Int8QuantizerTests
{
    private static readonly ModelSpec Float = ModelCatalog.Default.Get("resnet18");
    private static readonly ModelSpec Int8 = ModelCatalog.Default.Get("resnet18-int8");

    [Theory]
    [InlineData(-1f, 3f, 4f / 255, 64)]
    [InlineData(0f, 5.1f, 0.02f, 0)]
    [InlineData(2f, 5.1f, 0.02f, 0)] // widened to hold 0
    [InlineData(-5.1f, -1f, 0.02f, 255)]
    [InlineData(0f, 0f, 1f, 0)] // a tensor that was always 0
    public void A_range_maps_onto_0_to_255_with_0_exact(float min, float max, float scale, int zero)
    {
        var (s, z) = Int8Quantizer.Uint8(min, max);

        s.Should().BeApproximately(scale, 1e-6f);
        z.Should().Be((byte)zero);
    }

    [Fact]
    public void The_shipped_ranges_parse_and_cover_every_tensor_of_resnet18()
    {
        var ranges = Int8Ranges.Embedded(Int8.Int8Ranges!);
        var folded = Folded();

        Int8Quantizer.CalibrationTensors(folded).Should().BeEquivalentTo(ranges.Tensors.Keys, "bench quantize measured the tensors the quantizer needs");
        ranges.Tensors.Values.Should().OnlyContain(r => r.Min <= r.Max && float.IsFinite(r.Min) && float.IsFinite(r.Max));
        Int8Ranges.Parse(ranges.ToJson("again"), "round trip").Tensors.Should().BeEquivalentTo(ranges.Tensors);
        Int8Ranges.Parse(ranges.ToJson("again"), "round trip").Fingerprint.Should().Be(ranges.Fingerprint, "the note is not part of it");
    }

    [Fact]
    public void The_quantized_graph_has_integer_weights_no_batch_norm_and_the_same_bytes_every_time()
    {
        var folded = Folded();
        var ranges = Int8Ranges.Embedded(Int8.Int8Ranges!);

        var bytes = Int8Quantizer.Quantize(folded, ranges, "resnet18");
        var again = Int8Quantizer.Quantize(Folded(), ranges, "resnet18");

        again.Should().Equal(bytes);
        var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
        var ops = graph.Node.Select(n => n.OpType).ToList();
        ops.Should().NotContain(["BatchNormalization", "Relu"], "BatchNormalization is folded, Relu is the QuantizeLinear's clamp");
        int convs = folded.Graph.Node.Count(n => n.OpType == "Conv");
        ops.Count(o => o == "Conv").Should().Be(convs).And.BeGreaterThan(16);
        ops.Count(o => o == "QuantizeLinear").Should().Be(ranges.Tensors.Count);
        graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Int8 && t.Dims.Count == 4).Should().HaveCount(convs, "every Conv's weights are int8");
        graph.Node.Where(n => n.OpType == "Conv").Should().OnlyContain(n => n.Input[1].EndsWith("/int8_dequantized", StringComparison.Ordinal), "no Conv reads float weights");
        var weights = graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Int8 && t.Dims.Count == 4)
            .SelectMany(t => t.RawData.ToByteArray().Select(b => (int)(sbyte)b)).ToList();
        weights.Max().Should().Be(Int8Quantizer.WeightLevels, "each channel's largest weight takes the top level");
        weights.Min().Should().BeGreaterThanOrEqualTo(-Int8Quantizer.WeightLevels, "7 bits, so no CPU's 16-bit pair sums overflow");
    }

    [Fact]
    public void A_tensor_without_a_range_is_named()
    {
        var ranges = Int8Ranges.Embedded(Int8.Int8Ranges!);
        var missing = ranges.Tensors.Keys.First();
        var fewer = new Int8Ranges(ranges.Tensors.Where(t => t.Key != missing).ToDictionary(t => t.Key, t => t.Value));

        var act = () => Int8Quantizer.Quantize(Folded(), fewer, "resnet18");

        act.Should().Throw<OnnxGraphEditException>().WithMessage($"*'{missing}'*");
        var bad = () => Int8Ranges.Parse("{\"tensors\": {\"x\": [2, 1]}}", "bad.json");
        bad.Should().Throw<OnnxGraphEditException>().WithMessage("bad.json: *'x'*");
    }

    [Fact]
    public void Only_the_int8_backbone_has_the_int8_line_in_its_graph_key()
    {
        var hashes = Float.Files.Select(f => f.Sha256).ToArray();

        FeatureGraphs.Describe(Float, hashes).Should().NotContain("int8", "the float graph keeps its cache key");
        FeatureGraphs.Describe(Int8, hashes).Should().Contain($"int8 v{Int8Quantizer.Version} resnet18-int8.json {Int8Ranges.Embedded("resnet18-int8.json").Fingerprint}");
    }

    [SharedFact(FeaturesTestData.MaskSample)]
    public void The_int8_backbone_gives_the_float_features_to_within_cosine_0_98()
    {
        using var store = new ModelStore(new ModelStoreOptions { AllowDownload = false });
        using var floats = BackboneFeaturizer.Create(Float, store);
        using var int8 = BackboneFeaturizer.Create(Int8, store);
        var cosines = new List<double>();
        foreach (var example in FeaturesTestData.Examples(12, skip: 7))
        {
            using var image = ImageCodec.Read(example.Path);
            var a = floats.Featurize(image);
            var b = int8.Featurize(image);
            b.Should().HaveCount(a.Length);
            cosines.Add(Cosine(a, b));
        }

        cosines.Should().OnlyContain(c => c > 0.98, "8-bit features point where the float ones do");
        cosines.Average().Should().BeGreaterThan(0.99);
        cosines.Should().OnlyContain(c => c < 0.99999, "the graph really is quantized");
        int8.Graph.Path.Should().NotBe(floats.Graph.Path);
        floats.CacheKey.Should().NotContain("int8", "the float backbone's cached features keep their key");
        int8.CacheKey.Should().Be(floats.CacheKey + "|int8:" + int8.Graph.Key, "features of one are never read back for the other, and a change of ranges changes the key");
    }

    private static ModelProto Folded()
    {
        using var store = new ModelStore(new ModelStoreOptions { AllowDownload = false });
        using var floats = BackboneFeaturizer.Create(Float, store);
        return Int8Quantizer.Fold(File.ReadAllBytes(floats.Graph.Path), floats.Graph.Path);
    }

    private static double Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);
}
