using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using MaskTrainer.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MaskTrainer.Tests.Onnx;

/// <summary>
/// TensorFlow.js graph models converted to ONNX: a small graph written here with the operators
/// MediaPipe's full-range BlazeFace is made of (the padded depthwise convolutions, fused 1x1
/// convolutions with Relu, a residual add, DepthToSpace, a bilinear resize, the batch-size
/// Reshape) runs in ONNX Runtime and gives what a plain NHWC loop computes from the same weights;
/// weights stored as float16, float32, 8-bit steps and int32 are read as TensorFlow.js reads them.
/// </summary>
public sealed class TensorFlowJsGraphTests
{
    private const int H = 4, W = 4, C = 3, Out = 8, Depth = Out / 4; // C = 3: converted graphs take an image

    [Fact]
    public void A_small_graph_gives_what_the_operators_compute_in_NHWC()
    {
        var rng = new Random(7);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var depthwise = Random(3 * 3 * C).Select(Half16).ToArray(); // stored as float16: compare with what survives it
        var depthBias = Random(C);
        var pointwise = Random(C * Out);
        var pointBias = Random(Out);
        var input = Random(H * W * C);

        var graph = SmallGraph(depthwise, depthBias, pointwise, pointBias);
        var model = TensorFlowJsModels.Build(graph.Json, graph.Weights, "small.json", W, H, ["Identity"], "test");
        var actual = Run(model.ToByteArray(), input);

        var expected = Reference(input, depthwise, depthBias, pointwise, pointBias);
        actual.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], 1e-4f, $"element {i}");
        }
    }

    [Fact]
    public void Weights_stored_as_float16_and_8_bit_steps_are_read_as_TensorFlow_js_reads_them()
    {
        var half = new[] { (Half)0.5f, (Half)(-2.25f) };
        var steps = new byte[] { 0, 10, 255 };
        var weights = MemoryMarshal.AsBytes(half.AsSpan()).ToArray().Concat(steps).ToArray();
        var json = Json(
            [Node("a", "Const"), Node("b", "Const")],
            [new { name = "a", shape = new[] { 2 }, dtype = "float32", quantization = new { dtype = "float16" } },
             new { name = "b", shape = new[] { 3 }, dtype = "float32", quantization = (object)new { dtype = "uint8", min = -1f, scale = 0.5f } }]);

        var tf = TensorFlowJsGraph.Parse(json, _ => weights, "w.json");

        Floats(tf.Nodes.Single(n => n.Name == "a")).Should().Equal(0.5f, -2.25f);
        Floats(tf.Nodes.Single(n => n.Name == "b")).Should().Equal(-1f, 4f, 126.5f);
    }

    [Fact]
    public void Nodes_come_after_their_inputs_whatever_the_file_order()
    {
        var json = Json(
            [Node("relu", "Relu", "x"), Node("x", "Placeholder")],
            []);

        var tf = TensorFlowJsGraph.Parse(json, _ => [], "order.json");

        tf.Nodes.Select(n => n.Name).Should().Equal("x", "relu");
    }

    [Fact]
    public void Weight_files_shorter_than_the_manifest_are_an_error_naming_the_file_and_the_weight()
    {
        var json = Json([Node("a", "Const")], [new { name = "a", shape = new[] { 4 }, dtype = "float32" }]);

        var act = () => TensorFlowJsGraph.Parse(json, _ => new byte[8], "short.json");

        act.Should().Throw<OnnxGraphEditException>().WithMessage("short.json: the weight files end inside weight 'a' (8 bytes)");
    }

    [Fact]
    public void An_operator_the_converter_does_not_know_is_an_error_naming_the_node()
    {
        var json = Json([Node("x", "Placeholder"), Node("odd", "Cumsum", "x"), Node("Identity", "Identity", "odd")], []);

        var act = () => TensorFlowJsModels.Build(json, [], "odd.json", 4, 4, ["Identity"], "test");

        act.Should().Throw<OnnxGraphEditException>().WithMessage("odd.json: cannot convert node 'odd' (Cumsum) to ONNX: operator Cumsum is not supported");
    }

    [Fact]
    public void Text_that_is_not_a_graph_model_is_an_error_naming_the_file()
    {
        var act = () => TensorFlowJsGraph.Parse(Encoding.UTF8.GetBytes("{\"format\": \"layers-model\"}"), _ => [], "layers.json");

        act.Should().Throw<OnnxGraphEditException>().WithMessage("layers.json: not a TensorFlow.js graph model (no modelTopology.node)");
    }

    // ---- the graph --------------------------------------------------------------------------

    /// <summary>
    /// x [N,4,4,2] → Pad 1 → depthwise 3x3 VALID + bias → (+ x) → Relu → 1x1 conv + bias + Relu
    /// [N,4,4,8] → DepthToSpace 2 [N,8,8,2] → ResizeBilinear to 4x4 (half-pixel) → Reshape
    /// [batch, -1, 1] → Identity.
    /// </summary>
    private static (byte[] Json, byte[] Weights) SmallGraph(float[] depthwise, float[] depthBias, float[] pointwise, float[] pointBias)
    {
        static string s(byte[] bytes) => Convert.ToBase64String(bytes);
        object Strides(int k) => new { list = new { i = new[] { "1", k.ToString(System.Globalization.CultureInfo.InvariantCulture), k.ToString(System.Globalization.CultureInfo.InvariantCulture), "1" } } };
        object Fused(params string[] ops) => new { list = new { s = ops.Select(o => s(Encoding.UTF8.GetBytes(o))).ToArray() } };
        var valid = new { s = s("VALID"u8.ToArray()) };
        var nhwc = new { s = s("NHWC"u8.ToArray()) };
        var nodes = new object[]
        {
            // Weights first, as the converter's JSON lists them.
            Node("pad/paddings", "Const"), Node("dw/w", "Const"), Node("dw/b", "Const"), Node("pw/w", "Const"), Node("pw/b", "Const"),
            Node("resize/size", "Const"), Node("slice/begin", "Const"), Node("slice/end", "Const"), Node("slice/strides", "Const"),
            Node("shape/1", "Const"), Node("shape/2", "Const"),
            Node("x", "Placeholder"),
            Node("pad", "Pad", "x", "pad/paddings"),
            Node("dw", "FusedDepthwiseConv2dNative", new { strides = Strides(1), padding = valid, data_format = nhwc, fused_ops = Fused("BiasAdd"), num_args = new { i = "1" } }, "pad", "dw/w", "dw/b"),
            Node("add", "AddV2", "x", "dw"),
            Node("relu", "Relu", "add"),
            Node("pw", "_FusedConv2D", new { strides = Strides(1), padding = valid, data_format = nhwc, fused_ops = Fused("BiasAdd", "Relu"), num_args = new { i = "1" } }, "relu", "pw/w", "pw/b"),
            Node("d2s", "DepthToSpace", new { block_size = new { i = "2" }, data_format = nhwc }, "pw"),
            Node("resize", "ResizeBilinear", new { half_pixel_centers = new { b = true }, align_corners = new { b = false } }, "d2s", "resize/size"),
            Node("shape", "Shape", "resize"),
            Node("batch", "StridedSlice", new { shrink_axis_mask = new { i = "1" } }, "shape", "slice/begin", "slice/end", "slice/strides"),
            Node("packed", "Pack", "batch", "shape/1", "shape/2"),
            Node("reshape", "Reshape", "resize", "packed"),
            Node("Identity", "Identity", "reshape"),
        };

        var weights = new List<byte>();
        var manifest = new List<object>();
        void Add(string name, int[] shape, float[] values, bool asHalf = false)
        {
            if (asHalf)
            {
                weights.AddRange(MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray());
                manifest.Add(new { name, shape, dtype = "float32", quantization = new { dtype = "float16" } });
            }
            else
            {
                weights.AddRange(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
                manifest.Add(new { name, shape, dtype = "float32" });
            }
        }

        void Ints(string name, int[] shape, int[] values)
        {
            weights.AddRange(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
            manifest.Add(new { name, shape, dtype = "int32" });
        }

        Ints("pad/paddings", [4, 2], [0, 0, 1, 1, 1, 1, 0, 0]);
        Add("dw/w", [3, 3, C, 1], depthwise, asHalf: true);
        Add("dw/b", [C], depthBias);
        Add("pw/w", [1, 1, C, Out], pointwise);
        Add("pw/b", [Out], pointBias);
        Ints("resize/size", [2], [H, W]);
        Ints("slice/begin", [1], [0]);
        Ints("slice/end", [1], [1]);
        Ints("slice/strides", [1], [1]);
        Ints("shape/1", [], [-1]);
        Ints("shape/2", [], [1]);
        return (Json(nodes, manifest.ToArray(), "small.bin"), weights.ToArray());
    }

    /// <summary>The same computation as plain loops over NHWC arrays (TensorFlow's semantics).</summary>
    private static float[] Reference(float[] x, float[] depthwise, float[] depthBias, float[] pointwise, float[] pointBias)
    {
        float X(int y, int xx, int c) => y < 0 || y >= H || xx < 0 || xx >= W ? 0 : x[(y * W + xx) * C + c];
        var relu = new float[H * W * C];
        for (int y = 0; y < H; y++)
        {
            for (int xx = 0; xx < W; xx++)
            {
                for (int c = 0; c < C; c++)
                {
                    float sum = depthBias[c];
                    for (int ky = 0; ky < 3; ky++)
                    {
                        for (int kx = 0; kx < 3; kx++)
                        {
                            sum += X(y + ky - 1, xx + kx - 1, c) * depthwise[(ky * 3 + kx) * C + c];
                        }
                    }

                    relu[(y * W + xx) * C + c] = Math.Max(0, sum + X(y, xx, c));
                }
            }
        }

        var pw = new float[H * W * Out];
        for (int p = 0; p < H * W; p++)
        {
            for (int o = 0; o < Out; o++)
            {
                float sum = pointBias[o];
                for (int c = 0; c < C; c++)
                {
                    sum += relu[p * C + c] * pointwise[c * Out + o];
                }

                pw[p * Out + o] = Math.Max(0, sum);
            }
        }

        // DepthToSpace 2: out[2y + i, 2x + j, d] = in[y, x, (i * 2 + j) * Depth + d].
        const int H2 = H * 2, W2 = W * 2;
        var d2s = new float[H2 * W2 * Depth];
        for (int y = 0; y < H; y++)
        {
            for (int xx = 0; xx < W; xx++)
            {
                for (int i = 0; i < 2; i++)
                {
                    for (int j = 0; j < 2; j++)
                    {
                        for (int d = 0; d < Depth; d++)
                        {
                            d2s[((2 * y + i) * W2 + 2 * xx + j) * Depth + d] = pw[(y * W + xx) * Out + (i * 2 + j) * Depth + d];
                        }
                    }
                }
            }
        }

        // ResizeBilinear 8x8 → 4x4 with half-pixel centres: source = (o + 0.5) * 2 - 0.5; then flattened in NHWC order.
        var result = new float[H * W * Depth];
        for (int y = 0; y < H; y++)
        {
            for (int xx = 0; xx < W; xx++)
            {
                float sy = (y + 0.5f) * 2 - 0.5f, sx = (xx + 0.5f) * 2 - 0.5f;
                int y0 = (int)MathF.Floor(sy), x0 = (int)MathF.Floor(sx);
                int y1 = Math.Min(y0 + 1, H2 - 1), x1 = Math.Min(x0 + 1, W2 - 1);
                float fy = sy - y0, fx = sx - x0;
                for (int d = 0; d < Depth; d++)
                {
                    float At(int r, int c) => d2s[(r * W2 + c) * Depth + d];
                    float top = At(y0, x0) * (1 - fx) + At(y0, x1) * fx;
                    float bottom = At(y1, x0) * (1 - fx) + At(y1, x1) * fx;
                    result[(y * W + xx) * Depth + d] = top * (1 - fy) + bottom * fy;
                }
            }
        }

        return result;
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static float[] Run(byte[] model, float[] nhwc)
    {
        var planar = new DenseTensor<float>([1, C, H, W]);
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                for (int c = 0; c < C; c++)
                {
                    planar[0, c, y, x] = nhwc[(y * W + x) * C + c];
                }
            }
        }

        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(TensorFlowJsModels.InputName, planar)]);
        var output = results.Single(r => r.Name == "Identity").AsTensor<float>();
        output.Dimensions.ToArray().Should().Equal(1, H * W * Depth, 1);
        return output.ToArray();
    }

    private static float Half16(float v) => (float)(Half)v;

    private static float[] Floats(TensorFlowGraph.Node node) =>
        MemoryMarshal.Cast<byte, float>(node.Attr("value")!.Tensor!.Content!).ToArray();

    private static object Node(string name, string op, params string[] inputs) => new { name, op, input = inputs };

    private static object Node(string name, string op, object attr, params string[] inputs) => new { name, op, input = inputs, attr };

    private static byte[] Json(object[] nodes, object[] weights, string path = "weights.bin") =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            format = "graph-model",
            modelTopology = new { node = nodes },
            weightsManifest = new[] { new { paths = new[] { path }, weights } },
        });
}
