using MaskTrainer.Models;

namespace MaskTrainer.Tests.Models;

/// <summary>Models folders, system and user files, the cache's sidecars, and <see cref="ModelStore.Verify"/>.</summary>
public sealed class ModelStoreLocalTests : IAsyncLifetime
{
    private static readonly byte[] Data = StoreTestContext.Bytes(64_000, seed: 20);
    private readonly StoreTestContext context = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task Models_folder_copy_is_preferred_over_downloading()
    {
        context.Server.Map("m/a.onnx", Responses.File(Data));
        File.WriteAllBytes(Path.Combine(context.ModelsDir, "a.onnx"), Data);
        var model = StoreTestContext.Spec("a", StoreTestContext.UrlFile("a.onnx", Data, context.Server.Url("m/a.onnx")));

        var paths = await context.Store().FetchAsync(model);

        paths.Should().Equal(Path.Combine(context.ModelsDir, "a.onnx"));
        context.Server.Requests.Should().BeEmpty();
        context.CacheFiles().Should().BeEmpty();
    }

    [Fact]
    public async Task Symbolic_link_in_a_models_folder_is_judged_by_its_target()
    {
        string real = Path.Combine(context.Root, "elsewhere.bin");
        File.WriteAllBytes(real, Data);
        string link = Path.Combine(context.ModelsDir, "a.onnx");
        File.CreateSymbolicLink(link, real);
        var model = StoreTestContext.Spec("a", StoreTestContext.UrlFile("a.onnx", Data, context.Server.Url("m/a.onnx")));

        (await context.Store(context.Options() with { AllowDownload = false }).FetchAsync(model)).Should().Equal(link);
    }

    [Fact]
    public async Task Models_folder_copy_with_the_wrong_hash_is_ignored_and_kept()
    {
        context.Server.Map("m/a.onnx", Responses.File(Data));
        string impostor = Path.Combine(context.ModelsDir, "a.onnx");
        File.WriteAllBytes(impostor, StoreTestContext.Bytes(Data.Length, seed: 21));
        var model = StoreTestContext.Spec("a", StoreTestContext.UrlFile("a.onnx", Data, context.Server.Url("m/a.onnx")));

        var path = await context.Store().GetFilePathAsync(model, "a.onnx");

        path.Should().Be(Path.Combine(context.CacheDir, "a.onnx"));
        File.ReadAllBytes(path).Should().Equal(Data);
        File.Exists(impostor).Should().BeTrue("the store never deletes files it does not own");
    }

    [Fact]
    public async Task Offline_error_mentions_ignored_copies()
    {
        File.WriteAllBytes(Path.Combine(context.ModelsDir, "a.onnx"), StoreTestContext.Bytes(Data.Length, seed: 22));
        var model = StoreTestContext.Spec("a", StoreTestContext.UrlFile("a.onnx", Data, context.Server.Url("m/a.onnx")));

        var act = () => context.Store(context.Options() with { AllowDownload = false }).FetchAsync(model);

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message
            .Should().Contain($"ignored copies that do not match the catalog: {Path.Combine(context.ModelsDir, "a.onnx")} (SHA-256 ");
    }

    [Fact]
    public async Task Tampered_cache_file_is_caught_by_its_sidecar_and_downloaded_again()
    {
        context.Server.Map("m/a.onnx", Responses.File(Data));
        var model = StoreTestContext.Spec("a", StoreTestContext.UrlFile("a.onnx", Data, context.Server.Url("m/a.onnx")));
        var store = context.Store();
        string path = await store.GetFilePathAsync(model, "a.onnx");
        File.WriteAllBytes(path, StoreTestContext.Bytes(Data.Length, seed: 23)); // same size, new mtime

        store.IsCached(model).Should().BeFalse("the changed mtime forces a re-hash, which fails and deletes the file");
        File.Exists(path).Should().BeFalse();
        var again = await store.GetFilePathAsync(model, "a.onnx");

        File.ReadAllBytes(again).Should().Equal(Data);
        context.Server.CountRequests("m/a.onnx").Should().Be(2);
    }

    [Fact]
    public async Task Verify_rehashes_every_copy_and_deletes_a_tampered_cache_file()
    {
        var good = StoreTestContext.Bytes(10_000, seed: 24);
        context.Server.Map("m/a.onnx", Responses.File(Data));
        context.Server.Map("m/b.onnx", Responses.File(good));
        var a = StoreTestContext.Spec("a", StoreTestContext.UrlFile("a.onnx", Data, context.Server.Url("m/a.onnx")));
        var b = StoreTestContext.Spec("b", StoreTestContext.UrlFile("b.onnx", good, context.Server.Url("m/b.onnx")));
        var c = StoreTestContext.Spec("c", StoreTestContext.UrlFile("c.onnx", good, context.Server.Url("m/c.onnx")));
        var d = StoreTestContext.Spec("d", StoreTestContext.UrlFile("d.onnx", good, context.Server.Url("m/d.onnx")));
        string foreignD = Path.Combine(context.ModelsDir, "d.onnx");
        File.WriteAllBytes(foreignD, Data);
        var store = context.Store(catalog: new ModelCatalog([a, b, c, d]));
        string pathA = await store.GetFilePathAsync(a, "a.onnx");
        await store.GetFilePathAsync(b, "b.onnx");
        var mtime = File.GetLastWriteTimeUtc(pathA);
        using (var stream = new FileStream(pathA, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 1000;
            stream.WriteByte((byte)(Data[1000] ^ 0xFF)); // one flipped byte, size unchanged...
        }

        File.SetLastWriteTimeUtc(pathA, mtime); // ...and mtime restored, so only a full re-hash can tell
        store.IsCached(a).Should().BeTrue("the sidecar still vouches for the file");

        var report = store.Verify();

        report.Select(r => (r.ModelId, r.Status, r.Deleted)).Should().Equal(
            ("a", VerifyStatus.Mismatch, true), ("b", VerifyStatus.Ok, false), ("c", VerifyStatus.Missing, false), ("d", VerifyStatus.Mismatch, false));
        report[^1].Path.Should().Be(foreignD);
        File.Exists(pathA).Should().BeFalse();
        File.Exists(foreignD).Should().BeTrue("copies in models folders are reported, never deleted");
        store.IsCached(a).Should().BeFalse();
    }

    [Fact]
    public async Task System_file_is_used_in_place_and_a_missing_one_says_how_to_get_it()
    {
        string systemFile = Path.Combine(context.Root, "system", "cascade.xml");
        Directory.CreateDirectory(Path.GetDirectoryName(systemFile)!);
        File.WriteAllBytes(systemFile, Data);
        var present = new ModelFileSpec("cascade.xml", StoreTestContext.Sha256(Data), Data.Length, new LocalFileSource(["/nonexistent/cascade.xml", systemFile]));
        var absent = new ModelFileSpec("gone.xml", StoreTestContext.Sha256(Data), Data.Length, new LocalFileSource(["/nonexistent/gone.xml"]));
        var store = context.Store();

        (await store.GetFilePathAsync(StoreTestContext.Spec("s", present), "cascade.xml")).Should().Be(systemFile);
        var act = () => store.FetchAsync(StoreTestContext.Spec("g", absent));

        (await act.Should().ThrowAsync<ModelNotFoundException>()).Which.Message
            .Should().StartWith("gone.xml: not found at /nonexistent/gone.xml; install it").And.Contain("--models-dir");
    }

    [Fact]
    public async Task User_backbone_is_pinned_to_the_bytes_it_had_when_described()
    {
        string file = Path.Combine(context.Root, "mine.onnx");
        File.WriteAllBytes(file, Data);
        var preprocessing = new Preprocessing(96, 96, ChannelOrder.Bgr, [0, 0, 0], 1f, TensorLayout.Nchw);
        var spec = ModelCatalog.ForUserBackbone(file, preprocessing, "pool", 256);
        var store = context.Store();

        spec.Id.Should().Be("user:mine.onnx");
        spec.Format.Should().Be(ModelFormat.Onnx);
        spec.Files.Single().Sha256.Should().Be(StoreTestContext.Sha256(Data));
        (await store.FetchAsync(spec)).Should().Equal(file);

        File.WriteAllBytes(file, StoreTestContext.Bytes(Data.Length + 1, seed: 25));
        var act = () => store.FetchAsync(spec);
        (await act.Should().ThrowAsync<ModelNotFoundException>()).Which.Message
            .Should().StartWith($"mine.onnx: no copy matches the catalog (ignored: {file} ({Data.Length + 1} bytes, not {Data.Length}))");
        File.Exists(file).Should().BeTrue("a user's file is never deleted");
    }

    [Fact]
    public void User_backbone_needs_a_supported_existing_file()
    {
        var p = new Preprocessing(96, 96, ChannelOrder.Bgr, [0, 0, 0], 1f, TensorLayout.Nchw);
        string txt = Path.Combine(context.Root, "x.txt");
        File.WriteAllText(txt, "x");

        FluentActions.Invoking(() => ModelCatalog.ForUserBackbone(txt, p, "pool", null))
            .Should().Throw<ArgumentException>().WithMessage("*unsupported backbone file type '.txt'*");
        FluentActions.Invoking(() => ModelCatalog.ForUserBackbone(Path.Combine(context.Root, "nope.onnx"), p, "pool", null))
            .Should().Throw<ModelNotFoundException>().WithMessage("*nope.onnx: model file not found");
    }

    [Fact]
    public void Options_from_environment_put_cli_folders_first_and_honour_overrides()
    {
        var env = new Dictionary<string, string>
        {
            ["MASKTRAINER_MODELS"] = $"/env/one{Path.PathSeparator}{Path.PathSeparator} /env/two ",
            ["MASKTRAINER_NPM_REGISTRY"] = "http://mirror.example/npm/",
            ["MASKTRAINER_OFFLINE"] = "1",
            ["XDG_CACHE_HOME"] = "/xdg",
        };

        var options = ModelStoreOptions.FromEnvironment(["/cli"], env.GetValueOrDefault);
        var defaults = ModelStoreOptions.FromEnvironment(null, _ => null);

        options.ModelsDirectories.Should().Equal("/cli", "/env/one", "/env/two");
        options.NpmRegistry.Should().Be(new Uri("http://mirror.example/npm/"));
        options.AllowDownload.Should().BeFalse();
        options.CacheDirectory.Should().Be(Path.Combine("/xdg", "masktrainer", "models"));
        defaults.AllowDownload.Should().BeTrue();
        defaults.NpmRegistry.Should().Be(new Uri("https://registry.npmjs.org/"));
        defaults.ModelsDirectories.Should().BeEmpty();
        defaults.CacheDirectory.Should().EndWith(Path.Combine(".cache", "masktrainer", "models"));
        (defaults.Timeout, defaults.StallTimeout, defaults.Retries).Should().Be((TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(30), 2));
    }

    [Theory]
    [InlineData("1", false)]
    [InlineData("yes", false)]
    [InlineData("ON", false)]
    [InlineData("True", false)]
    [InlineData("0", true)]
    [InlineData("off", true)]
    [InlineData("no", true)]
    public void MASKTRAINER_OFFLINE_takes_the_usual_true_and_false_words(string value, bool allowDownload) =>
        ModelStoreOptions.FromEnvironment(null, n => n == ModelStoreOptions.OfflineVariable ? value : null).AllowDownload.Should().Be(allowDownload);

    [Fact]
    public void An_unknown_MASKTRAINER_OFFLINE_word_is_one_line_naming_the_variable()
    {
        var act = () => ModelStoreOptions.FromEnvironment(null, n => n == ModelStoreOptions.OfflineVariable ? "maybe" : null);

        act.Should().Throw<ModelException>().WithMessage("MASKTRAINER_OFFLINE='maybe' is neither on (1, true, yes, on) nor off (0, false, no, off)");
    }

    [Theory]
    [InlineData("npm.example.com")]
    [InlineData("ftp://npm.example.com/")]
    public void A_registry_that_is_not_an_http_URL_is_one_line_naming_the_variable(string value)
    {
        var act = () => ModelStoreOptions.FromEnvironment(null, n => n == ModelStoreOptions.NpmRegistryVariable ? value : null);

        act.Should().Throw<ModelException>().Which.Message.Should().StartWith($"MASKTRAINER_NPM_REGISTRY='{value}' is not an http(s) URL");
    }

    [Fact]
    public void A_MASKTRAINER_MODELS_folder_that_does_not_exist_is_named_as_a_models_dir_one_is()
    {
        // A typo in the variable passed `models verify` ("All present files verified.") and `models list` silently.
        var real = Directory.CreateTempSubdirectory("h3-models-").FullName;
        try
        {
            var typo = real + "-typo";
            string? Env(string name) => name == ModelStoreOptions.ModelsDirectoriesVariable ? $"{real}{Path.PathSeparator}{typo}" : null;

            ModelStoreOptions.FolderProblems([real], Env).Should().Be($"MASKTRAINER_MODELS: the models folder {typo} given does not exist");
            ModelStoreOptions.FolderProblems([typo], Env).Should().Be(
                $"--models-dir: the models folder {typo} given does not exist; MASKTRAINER_MODELS: the models folder {typo} given does not exist");
            ModelStoreOptions.FolderProblems(null, n => n == ModelStoreOptions.ModelsDirectoriesVariable ? real : null).Should().BeNull();
            ModelStoreOptions.FolderProblems([real], _ => null).Should().BeNull();
        }
        finally
        {
            Directory.Delete(real);
        }
    }
}
