using System.Diagnostics;
using MaskTrainer.Serialization;
using Xunit.Abstractions;

namespace MaskTrainer.Tests.Serialization;

/// <summary>A real 28 MB ONNX backbone through save, load and cached load (skipped when ../shared is absent).</summary>
public sealed class RealBackboneTests(ITestOutputHelper output) : IDisposable
{
    private const string FileName = "fr_expression.onnx";

    // From ../shared/models/MODELS.md.
    private const string Sha256 = "88959314d9dc14d6c968cca31dc068e4350bf1944154e3bdd2eece5d0f318d05";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedFact("models/" + FileName)]
    public void A_real_backbone_is_embedded_and_extracted_intact()
    {
        var source = SharedData.Full("models/" + FileName);

        var model = new TestModel(_folder, backboneBytes: 10);
        var path = _folder.File("model.zip");
        var files = new Dictionary<string, string> { [FileName] = source };

        var clock = Stopwatch.StartNew();
        var written = ModelPackage.Save(path, model.Manifest, model.Tensors, files);
        var saveMs = clock.ElapsedMilliseconds;

        clock.Restart();
        using (var loaded = ModelPackage.Load(path, new LoadOptions { TempDirectory = _folder.Folder("tmp") }))
        {
            var loadMs = clock.ElapsedMilliseconds;
            ModelPackage.DescribeFile(FileName, loaded.GetBackboneFile(FileName)).Sha256.Should().Be(Sha256);
            output.WriteLine($"{FileName} {new FileInfo(source).Length:N0} B -> zip {new FileInfo(path).Length:N0} B; save {saveMs} ms, load (private extract) {loadMs} ms");
        }

        written.Backbone.Files.Single().Sha256.Should().Be(Sha256);
        var cached = new LoadOptions { BackboneCacheDirectory = _folder.File("cache") };
        clock.Restart();
        ModelPackage.Load(path, cached).Dispose();
        var firstMs = clock.ElapsedMilliseconds;
        clock.Restart();
        using var again = ModelPackage.Load(path, cached);
        output.WriteLine($"cached load: first {firstMs} ms, reuse {clock.ElapsedMilliseconds} ms; ReadManifest only: {Time(() => ModelPackage.ReadManifest(path))} ms");
        File.Exists(again.GetBackboneFile(FileName)).Should().BeTrue();
    }

    private static long Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.ElapsedMilliseconds;
    }
}
