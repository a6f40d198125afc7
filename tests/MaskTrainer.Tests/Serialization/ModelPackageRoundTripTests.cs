using System.Runtime.InteropServices;
using MaskTrainer.Serialization;

namespace MaskTrainer.Tests.Serialization;

public sealed class ModelPackageRoundTripTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Save_then_load_gives_back_the_manifest_the_tensors_bit_for_bit_and_the_backbone_bytes()
    {
        var model = new TestModel(_folder);
        var path = _folder.File("model.zip");

        var written = model.Save(path);
        using var loaded = ModelPackage.Load(path, new LoadOptions { TempDirectory = _folder.Folder("tmp") });

        loaded.Manifest.ToJson().Should().Be(written.ToJson());
        loaded.Manifest.Labels.Should().Equal("with_mask", "without_mask", "mask_weared_incorrect");
        loaded.Manifest.Backbone.Embedded.Should().BeTrue();
        loaded.Manifest.Backbone.Preprocessing!.Std.Should().Equal(0.229f, 0.224f, 0.225f);
        loaded.Manifest.FaceCrop!.Margin.Should().Be(0.25f);
        loaded.Manifest.FaceCrop.BlankMargin.Should().BeTrue();
        loaded.Manifest.TrainingOptions!["epochs"]!.GetValue<int>().Should().Be(30);
        loaded.Manifest.Entries.Select(e => e.Path).Should().BeEquivalentTo(
            "head/w.bin", "head/b.bin", "metrics.json", "backbone/net.onnx", "backbone/net.cfg");

        loaded.HeadTensors.Select(t => t.Name).Should().Equal("w", "b");
        for (var i = 0; i < model.Tensors.Length; i++)
        {
            loaded.HeadTensors[i].Shape.Should().Equal(model.Tensors[i].Shape);
            MemoryMarshal.AsBytes(loaded.HeadTensors[i].Data.AsSpan()).ToArray()
                .Should().Equal(MemoryMarshal.AsBytes(model.Tensors[i].Data.AsSpan()).ToArray());
        }

        loaded.BackboneFiles.Keys.Should().BeEquivalentTo("net.onnx", "net.cfg");
        foreach (var (name, source) in model.BackboneFiles)
        {
            File.ReadAllBytes(loaded.GetBackboneFile(name)).Should().Equal(File.ReadAllBytes(source));
            Path.GetDirectoryName(loaded.GetBackboneFile(name)).Should().Be(loaded.BackboneDirectory);
        }
    }

    [Fact]
    public void Manifest_records_hashes_that_match_the_source_files_and_the_metrics_document()
    {
        var model = new TestModel(_folder);
        var path = _folder.File("model.zip");

        var written = model.Save(path);

        var onnx = written.Backbone.Files.Single(f => f.Name == "net.onnx");
        onnx.Sha256.Should().Be(ZipForge.Sha256(File.ReadAllBytes(model.BackboneFiles["net.onnx"])));
        onnx.Size.Should().Be(200_000);
        written.FormatVersion.Should().Be(1);

        var entries = ZipForge.ReadEntries(path).ToDictionary(e => e.Name, e => e.Bytes);
        System.Text.Json.Nodes.JsonNode.Parse(entries["metrics.json"])!["accuracy"]!.GetValue<double>().Should().Be(0.9375);
        ModelPackage.ReadManifest(path).ToJson().Should().Be(written.ToJson());
    }

    [Fact]
    public void Loading_twice_works_and_disposing_removes_only_the_private_folder()
    {
        var model = new TestModel(_folder);
        var path = _folder.File("model.zip");
        model.Save(path);
        var options = new LoadOptions { TempDirectory = _folder.Folder("tmp") };

        var first = ModelPackage.Load(path, options);
        using var second = ModelPackage.Load(path, options);

        first.BackboneDirectory.Should().NotBe(second.BackboneDirectory);
        first.Dispose();
        first.Dispose();
        Directory.Exists(first.BackboneDirectory).Should().BeFalse();
        File.ReadAllBytes(second.GetBackboneFile("net.onnx")).Should().Equal(File.ReadAllBytes(model.BackboneFiles["net.onnx"]));
        second.Dispose();
        Directory.GetFileSystemEntries(_folder.File("tmp")).Should().BeEmpty();
    }

    [Fact]
    public void Cache_folder_is_reused_survives_dispose_and_is_repaired_when_damaged()
    {
        var model = new TestModel(_folder);
        var path = _folder.File("model.zip");
        var copy = _folder.File("copy-of-model.zip");
        model.Save(path);
        model.Save(copy);
        var options = new LoadOptions { BackboneCacheDirectory = _folder.File("cache") };

        string onnx;
        using (var first = ModelPackage.Load(path, options))
        {
            onnx = first.GetBackboneFile("net.onnx");
        }

        File.Exists(onnx).Should().BeTrue("a cache folder outlives the package that filled it");
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(onnx, stamp);

        using (var second = ModelPackage.Load(copy, options))
        {
            second.GetBackboneFile("net.onnx").Should().Be(onnx, "another zip with the same backbone shares its folder");
            File.GetLastWriteTimeUtc(onnx).Should().Be(stamp, "a valid cache entry is not extracted again");
        }

        // A damaged cache file (wrong size) is noticed and replaced by a fresh extraction.
        File.WriteAllBytes(onnx, [1, 2, 3]);
        using (var third = ModelPackage.Load(path, options))
        {
            File.ReadAllBytes(third.GetBackboneFile("net.onnx")).Should().Equal(File.ReadAllBytes(model.BackboneFiles["net.onnx"]));
        }

        // Same size, different bytes: only a re-hashing load notices.
        var bytes = File.ReadAllBytes(onnx);
        bytes[100] ^= 0xFF;
        File.WriteAllBytes(onnx, bytes);
        using (var fourth = ModelPackage.Load(path, options with { VerifyCachedBackbone = true }))
        {
            File.ReadAllBytes(fourth.GetBackboneFile("net.onnx")).Should().Equal(File.ReadAllBytes(model.BackboneFiles["net.onnx"]));
        }

        Directory.GetDirectories(_folder.File("cache")).Should().ContainSingle("staging and stale folders are cleaned up");
    }

    [Fact]
    public void A_model_saved_without_its_backbone_loads_through_the_resolver_and_fails_clearly_without_one()
    {
        var model = new TestModel(_folder);
        var path = _folder.File("model.zip");

        var written = model.Save(path, embed: false);

        written.Backbone.Embedded.Should().BeFalse();
        ZipForge.ReadEntries(path).Select(e => e.Name).Should().NotContain(n => n.StartsWith("backbone/"));
        new FileInfo(path).Length.Should().BeLessThan(50_000);

        var byHash = written.Backbone.Files.ToDictionary(f => f.Sha256, f => model.BackboneFiles[f.Name]);
        using (var loaded = ModelPackage.Load(path, new LoadOptions { BackboneResolver = f => byHash.GetValueOrDefault(f.Sha256) }))
        {
            loaded.GetBackboneFile("net.onnx").Should().Be(model.BackboneFiles["net.onnx"]);
            loaded.BackboneDirectory.Should().BeNull();
        }

        var noResolver = () => ModelPackage.Load(path);
        noResolver.Should().Throw<ModelFileException>()
            .WithMessage($"{path}: backbone 'test-net' is not embedded and its file net.* (SHA-256 *) was not found; pass a backbone resolver*");

        var wrongFile = () => ModelPackage.Load(path, new LoadOptions { BackboneResolver = _ => model.BackboneFiles["net.cfg"] });
        wrongFile.Should().Throw<ModelFileException>().WithMessage("*does not match*");
    }

    [Fact]
    public void Saving_the_same_inputs_twice_gives_identical_bytes()
    {
        var model = new TestModel(_folder);

        model.Save(_folder.File("a.zip"));
        model.Save(_folder.File("b.zip"));

        File.ReadAllBytes(_folder.File("a.zip")).Should().Equal(File.ReadAllBytes(_folder.File("b.zip")));
    }

    [Fact]
    public void Created_time_defaults_to_now()
    {
        var model = new TestModel(_folder);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var written = ModelPackage.Save(_folder.File("m.zip"), model.Manifest with { CreatedUtc = default }, model.Tensors, model.BackboneFiles);

        written.CreatedUtc.Should().BeAfter(before).And.BeBefore(DateTimeOffset.UtcNow.AddSeconds(1));
        ModelPackage.ReadManifest(_folder.File("m.zip")).CreatedUtc.Should().Be(written.CreatedUtc);
    }
}
