using MaskTrainer.Onnx;
using MaskTrainer.Tests.Imaging;

namespace MaskTrainer.Tests.Onnx;

public sealed class OnnxNetTests
{
    private const string BlazeFront = "models/face_detection_front_128x128_barracuda.onnx";
    private const string UltraFace = "models/fr_detect.onnx";

    [SharedFact(BlazeFront)]
    public void BlazeFace_runs_in_ONNX_Runtime_with_buffers_reused_between_runs()
    {
        // OpenCV 4.13's DNN rejects this graph at its first MaxPool; ORT must run it.
        using var net = OnnxNet.Load(SharedData.Full(BlazeFront), threads: 1);
        net.InputShape.Should().Equal(1, 128, 128, 3);
        net.OutputNames.Should().HaveCount(4);

        net.Input(1).Fill(0.25f);
        net.Run(1);
        var first = net.Output(0).ToArray();
        unsafe
        {
            fixed (float* before = net.Output(0))
            {
                net.Input(1).Fill(0.25f);
                net.Run(1);
                fixed (float* after = net.Output(0))
                {
                    ((nint)after).Should().Be((nint)before, "the second run writes into the buffers bound by the first");
                }
            }
        }

        net.Output(0).ToArray().Should().Equal(first);
        var lengths = Enumerable.Range(0, 4).Select(i => net.Output(i).Length).Order().ToArray();
        lengths.Should().Equal(384, 512, 384 * 16, 512 * 16);
    }

    [SharedFact(BlazeFront)]
    public void A_fixed_batch_refuses_another_size_naming_the_model()
    {
        var path = SharedData.Full(BlazeFront);
        using var net = OnnxNet.Load(path);

        net.BatchIsSymbolic.Should().BeFalse();
        Action act = () => _ = net.Input(2).Length;

        act.Should().Throw<OnnxNetException>().WithMessage($"{path}: the graph's batch size is fixed at 1, cannot run 2");
    }

    [SharedFact(UltraFace)]
    public void Output_shapes_are_reported_per_run()
    {
        using var net = OnnxNet.Load(SharedData.Full(UltraFace));

        net.Input(1).Clear();
        net.Run(1);

        net.OutputNames.Should().Equal("scores", "boxes");
        net.OutputShape(0).ToArray().Should().Equal(1, 4420, 2);
        net.OutputShape(1).ToArray().Should().Equal(1, 4420, 4);
    }

    [Fact]
    public void Missing_and_corrupt_models_fail_in_one_line_naming_the_file()
    {
        using var dir = new TempFolder();
        var missing = dir.File("missing.onnx");
        var corrupt = dir.File("corrupt.onnx");
        var bytes = new byte[2048];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(corrupt, bytes);

        Assert.Throws<OnnxNetException>(() => OnnxNet.Load(missing)).Message.Should().Be($"{missing}: model file not found");
        var error = Assert.Throws<OnnxNetException>(() => OnnxNet.Load(corrupt)).Message;
        error.Should().StartWith($"{corrupt}: ONNX Runtime cannot load it: ");
        error.Should().NotContain("\n");
    }
}
