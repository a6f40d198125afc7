using MaskTrainer.Features;
using MaskTrainer.Models;
using MaskTrainer.Tests.Model;

namespace MaskTrainer.Tests.Training;

public sealed class FeaturizerStepTests
{
    [Fact]
    public void A_backbone_onnx_runtime_cannot_load_is_a_one_line_BackboneException_naming_the_file()
    {
        // On a run whose features are all cached, building the model's featurizer step is the first
        // time the backbone meets ONNX Runtime (real ML.NET and ONNX Runtime, a file that is no model).
        using var folder = new ZipTempFolder();
        var path = folder.File("broken.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8]);
        var graph = new PixelGraph(path, PixelGraph.PixelsName, PixelGraph.FeaturesName, 32, 32, ChannelOrder.Rgb, 4, [4], "0");
        using var step = new FeaturizerStep(graph, "resnet18", "/models/resnet18.onnx");

        var error = step.Invoking(s => s.Take()).Should().Throw<BackboneException>().Which;
        error.Message.Should().StartWith("/models/resnet18.onnx: cannot load backbone 'resnet18' into the model: ").And.NotContain("\n");
    }

    [Fact]
    public void Disposing_a_step_that_was_never_taken_waits_for_it_and_does_not_throw()
    {
        using var folder = new ZipTempFolder();
        var path = folder.File("broken.onnx");
        File.WriteAllBytes(path, [1, 2, 3]);
        var graph = new PixelGraph(path, PixelGraph.PixelsName, PixelGraph.FeaturesName, 32, 32, ChannelOrder.Rgb, 4, [4], "0");
        var step = new FeaturizerStep(graph, "resnet18", path);

        step.Invoking(s => s.Dispose()).Should().NotThrow();
    }
}
