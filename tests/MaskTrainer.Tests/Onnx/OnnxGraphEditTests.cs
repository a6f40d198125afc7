using System.Security.Cryptography;
using MaskTrainer.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MaskTrainer.Tests.Onnx;

/// <summary><see cref="OnnxGraphEdit"/> on the real shared models, checked by running them in ONNX Runtime.</summary>
public sealed class OnnxGraphEditTests : IDisposable
{
    private const string Expression = "models/fr_expression.onnx";
    private const string Landmark = "models/fr_landmark.onnx";
    private const string BlazeFaceBack = "models/face_detection_back_256x256_barracuda.onnx";
    private const string Pose = "models/fr_pose.onnx";

    private readonly string _cache = Path.Combine(Path.GetTempPath(), "mt-graph-edit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [SharedFact(Expression)]
    public void A_node_output_becomes_the_only_output_and_a_batch_equals_its_images_one_by_one()
    {
        var source = File.ReadAllBytes(SharedData.Full(Expression));

        var edited = OnnxGraphEdit.Edit(source, ["onnx_node!Relu_269"], symbolicBatch: true, Expression);

        // Dense block 4 and the classifier are pruned: the weights of what is left are much smaller.
        edited.Length.Should().BeLessThan(source.Length * 3 / 4);
        using var session = Session(edited);
        session.OutputMetadata.Keys.Should().Equal("1040");
        session.OutputMetadata["1040"].Dimensions.Should().Equal(-1, 1024, 14, 14);
        session.InputMetadata.Single().Value.Dimensions.Should().Equal(-1, 3, 224, 224);
        AssertBatchMatchesSingles(session, [3, 224, 224], batch: 2, expectedPerImage: 1024 * 14 * 14);
    }

    [SharedFact(Landmark)]
    public void The_landmark_feature_layer_is_512_wide_at_any_batch()
    {
        var source = File.ReadAllBytes(SharedData.Full(Landmark));

        var edited = OnnxGraphEdit.Edit(source, ["onnx_node!Flatten_76"], symbolicBatch: true, Landmark);

        using var session = Session(edited);
        session.OutputMetadata.Single().Value.Dimensions.Should().Equal(-1, 512);
        AssertBatchMatchesSingles(session, [1, 64, 64], batch: 3, expectedPerImage: 512);
    }

    [SharedFact(Landmark)]
    public void A_tensor_name_and_its_node_name_give_the_same_graph()
    {
        var source = File.ReadAllBytes(SharedData.Full(Landmark));

        // Flatten_76 writes tensor "364".
        var byNode = OnnxGraphEdit.Edit(source, ["onnx_node!Flatten_76"], symbolicBatch: true, Landmark);
        var byTensor = OnnxGraphEdit.Edit(source, ["364"], symbolicBatch: true, Landmark);

        byTensor.Should().Equal(byNode);
    }

    [SharedFact(Pose)]
    public void A_plain_node_name_as_Netron_shows_it_gives_the_graph_its_onnx_node_form_gives()
    {
        var source = File.ReadAllBytes(SharedData.Full(Pose));

        // ReduceMean_203 is a node name, not a tensor name: before, only "onnx_node!ReduceMean_203" worked.
        var plain = OnnxGraphEdit.Edit(source, ["ReduceMean_203"], symbolicBatch: true, Pose);
        var prefixed = OnnxGraphEdit.Edit(source, ["onnx_node!ReduceMean_203"], symbolicBatch: true, Pose);

        plain.Should().Equal(prefixed);
    }

    [SharedFact(Landmark)]
    public void Without_the_batch_edit_the_input_stays_fixed_at_1()
    {
        var source = File.ReadAllBytes(SharedData.Full(Landmark));

        using var session = Session(OnnxGraphEdit.Edit(source, ["onnx_node!Flatten_76"], symbolicBatch: false, Landmark));

        session.InputMetadata.Single().Value.Dimensions.Should().Equal(1, 1, 64, 64);
        session.OutputMetadata.Keys.Should().Equal("364");
    }

    [SharedFact(Landmark)]
    public void An_edit_that_changes_nothing_returns_the_model_as_it_was()
    {
        var source = File.ReadAllBytes(SharedData.Full(Landmark));

        OnnxGraphEdit.Edit(source, [], symbolicBatch: false, Landmark).Should().BeSameAs(source);
        OnnxGraphEdit.Edit(source, ["output"], symbolicBatch: false, Landmark).Should().BeSameAs(source, "those are the graph's own outputs");
        var symbolic = OnnxGraphEdit.Edit(source, [], symbolicBatch: true, Landmark);
        OnnxGraphEdit.Edit(symbolic, [], symbolicBatch: true, Landmark).Should().BeSameAs(symbolic, "the batch is already symbolic");
    }

    [SharedFact(Landmark)]
    public void An_unknown_output_is_a_one_line_error_naming_the_model_and_the_nearest_names()
    {
        var source = File.ReadAllBytes(SharedData.Full(Landmark));

        var act = () => OnnxGraphEdit.Edit(source, ["onnx_node!Flatten_77"], symbolicBatch: true, SharedData.Full(Landmark));

        // The file by name: a caller puts the path in front (the backbone loader does), and it was said twice.
        var message = act.Should().Throw<OnnxGraphEditException>().Which.Message;
        message.Should().StartWith($"no tensor or node \"onnx_node!Flatten_77\" in {Path.GetFileName(Landmark)} (nearest names: ")
            .And.Contain("onnx_node!Flatten_76").And.NotContain(SharedData.Full(Landmark)).And.NotContain("\n");
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_a_one_line_error_naming_it()
    {
        Directory.CreateDirectory(_cache);
        var text = Path.Combine(_cache, "notes.onnx");
        File.WriteAllText(text, "this is not a model\n");

        var act = () => OnnxGraphEdit.Prepare(text, Sha256(text), [], symbolicBatch: true, _cache);

        var message = act.Should().Throw<OnnxGraphEditException>().Which.Message;
        message.Should().StartWith(text).And.Contain("not an ONNX model").And.NotContain("\n");
        Directory.GetFiles(_cache).Should().Equal(new[] { text }, "nothing is cached for a failed edit");
    }

    [SharedFact(Landmark)]
    public void Prepare_makes_again_a_cached_copy_whose_bytes_changed_since_it_was_written()
    {
        var model = SharedData.Full(Landmark);
        var sha = Sha256(model);
        var first = OnnxGraphEdit.Prepare(model, sha, ["onnx_node!Flatten_76"], symbolicBatch: true, _cache);
        var good = File.ReadAllBytes(first);

        // Bit rot: same size and mtime, other bytes in the middle of the weights.
        var bad = (byte[])good.Clone();
        for (var i = bad.Length / 2; i < bad.Length / 2 + 4096; i++)
        {
            bad[i] ^= 0x5a;
        }

        var mtime = File.GetLastWriteTimeUtc(first);
        File.WriteAllBytes(first, bad);
        File.SetLastWriteTimeUtc(first, mtime);

        var again = OnnxGraphEdit.Prepare(model, sha, ["onnx_node!Flatten_76"], symbolicBatch: true, _cache);

        again.Should().Be(first);
        File.ReadAllBytes(again).Should().Equal(good);
    }

    [SharedFact(Landmark)]
    public void Prepare_writes_once_and_then_reuses_the_copy()
    {
        var model = SharedData.Full(Landmark);
        var sha = Sha256(model);

        var first = OnnxGraphEdit.Prepare(model, sha, ["onnx_node!Flatten_76"], symbolicBatch: true, _cache);
        var written = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(first, written);
        var second = OnnxGraphEdit.Prepare(model, sha, ["onnx_node!Flatten_76"], symbolicBatch: true, _cache);

        second.Should().Be(first);
        File.GetLastWriteTimeUtc(second).Should().Be(written, "a cached copy is not rewritten");
        Path.GetFileName(first).Should().MatchRegex(@"^fr_landmark\.[0-9a-f]{16}\.[0-9a-f]{8}\.onnx$").And.StartWith("fr_landmark." + sha[..16]);
        Directory.GetFiles(_cache).Order(StringComparer.Ordinal).Should().Equal(new[] { first, first + ".sha256" }, "no temp file is left behind");
        using var session = Session(File.ReadAllBytes(first));
        session.OutputMetadata.Single().Value.Dimensions.Should().Equal(-1, 512);
    }

    [SharedFact(Landmark)]
    public void Concurrent_prepares_of_one_edit_all_get_one_complete_file()
    {
        var model = SharedData.Full(Landmark);
        var sha = Sha256(model);

        var paths = Enumerable.Range(0, 6).AsParallel().WithDegreeOfParallelism(6)
            .Select(_ => OnnxGraphEdit.Prepare(model, sha, ["onnx_node!Flatten_76"], symbolicBatch: true, _cache))
            .ToArray();

        paths.Distinct().Should().ContainSingle();
        Directory.GetFiles(_cache).Order(StringComparer.Ordinal).Should().Equal(paths[0], paths[0] + ".sha256");
        File.ReadAllBytes(paths[0]).Should().Equal(OnnxGraphEdit.Edit(File.ReadAllBytes(model), ["onnx_node!Flatten_76"], true, model));
    }

    [SharedFact(Landmark)]
    public void Prepare_refuses_a_source_whose_hash_is_not_the_one_given()
    {
        var model = SharedData.Full(Landmark);

        var act = () => OnnxGraphEdit.Prepare(model, new string('0', 64), [], symbolicBatch: true, _cache);

        act.Should().Throw<OnnxGraphEditException>().WithMessage($"{model}: SHA-256 is *");
        Directory.Exists(_cache).Should().BeFalse();
    }

    [Fact]
    public void The_cache_name_changes_with_the_outputs_and_the_batch_edit()
    {
        const string sha = "88959314d9dc14d6c968cca31dc068e4350bf1944154e3bdd2eece5d0f318d05";
        var names = new[]
        {
            OnnxGraphEdit.CacheFileName("/m/fr_expression.onnx", sha, ["onnx_node!Relu_269"], true),
            OnnxGraphEdit.CacheFileName("/m/fr_expression.onnx", sha, ["onnx_node!Relu_269"], false),
            OnnxGraphEdit.CacheFileName("/m/fr_expression.onnx", sha, ["onnx_node!Flatten_373"], true),
            OnnxGraphEdit.CacheFileName("/m/fr_expression.onnx", sha, [], true),
            OnnxGraphEdit.CacheFileName("/m/fr_expression.onnx", sha, ["a", "b"], true),
            OnnxGraphEdit.CacheFileName("/m/fr_expression.onnx", sha, ["b", "a"], true),
        };

        names.Should().OnlyHaveUniqueItems().And.OnlyContain(n => n.StartsWith("fr_expression.88959314d9dc14d6.") && n.EndsWith(".onnx"));
        OnnxGraphEdit.CacheFileName("/elsewhere/fr_expression.onnx", sha.ToUpperInvariant(), ["onnx_node!Relu_269"], true).Should().Be(names[0]);
    }

    [SharedFact(BlazeFaceBack)]
    public void BlazeFace_back_takes_batch_2_and_gives_the_same_batch_1_result_as_before()
    {
        // tf2onnx hard-codes batch 1 in its Reshape shapes and in the ConstantOfShape zeros it pads channels with.
        var source = File.ReadAllBytes(SharedData.Full(BlazeFaceBack));

        var edited = OnnxGraphEdit.Edit(source, [], symbolicBatch: true, BlazeFaceBack);

        using var original = Session(source);
        using var session = Session(edited);
        session.OutputMetadata.Keys.Should().Equal(original.OutputMetadata.Keys);
        session.OutputMetadata.Values.Should().OnlyContain(m => m.Dimensions[0] == -1);
        var image = Noise(256 * 256 * 3, seed: 5);
        var before = Run(original, image, [1, 256, 256, 3]);
        var after = Run(session, image, [1, 256, 256, 3]);
        for (var i = 0; i < before.Length; i++)
        {
            MaxDifference(after[i], 0, before[i], 0, before[i].Length).Should().BeLessThan(1e-5f);
        }

        AssertBatchMatchesSingles(session, [256, 256, 3], batch: 2, expectedPerImage: null);
    }

    [SharedFact(Pose)]
    public void Channel_shuffle_reshapes_that_fix_batch_1_follow_the_batch()
    {
        // PyTorch folded the batch into Constant shapes [1,2,58,28,28] and [1,-1,28,28] (the latter cannot take a second -1).
        var source = File.ReadAllBytes(SharedData.Full(Pose));

        using var session = Session(OnnxGraphEdit.Edit(source, ["onnx_node!ReduceMean_203"], symbolicBatch: true, Pose));

        session.OutputMetadata.Single().Value.Dimensions[0].Should().Be(-1);
        AssertBatchMatchesSingles(session, [3, 224, 224], batch: 2, expectedPerImage: 1024);
    }

    /// <summary>Runs <paramref name="batch"/> random images together and one by one; every output must agree per image.</summary>
    private static void AssertBatchMatchesSingles(InferenceSession session, int[] image, int batch, int? expectedPerImage)
    {
        var size = image.Aggregate(1, (a, b) => a * b);
        var all = new float[size * batch];
        var singles = new List<float[][]>();
        for (var b = 0; b < batch; b++)
        {
            var one = Noise(size, seed: 10 + b);
            one.CopyTo(all, b * size);
            singles.Add(Run(session, one, [1, .. image]));
        }

        var together = Run(session, all, [batch, .. image]);

        for (var o = 0; o < together.Length; o++)
        {
            var perImage = singles[0][o].Length;
            if (expectedPerImage is { } expected)
            {
                perImage.Should().Be(expected);
            }

            together[o].Length.Should().Be(perImage * batch);
            MaxDifference(singles[0][o], 0, singles[1][o], 0, perImage).Should().BeGreaterThan(1e-3f, "different images must give different outputs for the check to mean anything");
            for (var b = 0; b < batch; b++)
            {
                MaxDifference(together[o], b * perImage, singles[b][o], 0, perImage).Should().BeLessThan(1e-4f, $"output {o}, image {b}");
            }
        }
    }

    private static InferenceSession Session(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        return new InferenceSession(model, options);
    }

    private static float[][] Run(InferenceSession session, float[] input, int[] shape)
    {
        var name = session.InputMetadata.Keys.Single();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(input, shape))]);
        return [.. results.Select(r => r.AsTensor<float>().ToArray())];
    }

    private static float[] Noise(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = random.NextSingle();
        }

        return values;
    }

    private static float MaxDifference(float[] a, int aStart, float[] b, int bStart, int length)
    {
        var max = 0f;
        for (var i = 0; i < length; i++)
        {
            max = Math.Max(max, Math.Abs(a[aStart + i] - b[bStart + i]));
        }

        return max;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
