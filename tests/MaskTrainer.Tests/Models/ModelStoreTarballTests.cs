using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using MaskTrainer.Models;

namespace MaskTrainer.Tests.Models;

/// <summary>Files inside npm tarballs, served by a loopback "registry".</summary>
public sealed class ModelStoreTarballTests : IAsyncLifetime
{
    private static readonly byte[] First = StoreTestContext.Bytes(200_000, seed: 10);
    private static readonly byte[] Second = StoreTestContext.Bytes(50_000, seed: 11);
    private static readonly byte[] Tarball = MakeTarball(("package/package.json", Encoding.UTF8.GetBytes("{}")), ("package/model/first.onnx", First), ("package/model/second.onnx", Second));
    private static readonly string TarballSha = StoreTestContext.Sha256(Tarball);
    private readonly StoreTestContext context = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task Member_is_extracted_from_the_tarball_and_the_tarball_is_reused()
    {
        context.Server.Map("demo-pkg/-/demo-pkg-1.2.3.tgz", Responses.File(Tarball));
        var store = context.Store();

        var first = await store.GetFilePathAsync(Member("first.onnx", First), "first.onnx");
        var second = await store.GetFilePathAsync(Member("second.onnx", Second), "second.onnx");

        File.ReadAllBytes(first).Should().Equal(First);
        File.ReadAllBytes(second).Should().Equal(Second);
        File.ReadAllBytes(Path.Combine(context.CacheDir, "tarballs", "demo-pkg-1.2.3.tgz")).Should().Equal(Tarball);
        context.Server.CountRequests("demo-pkg/-/demo-pkg-1.2.3.tgz").Should().Be(1, "the second member comes from the cached tarball");
        context.CacheFiles().Should().NotContain(f => f.Contains(".tmp", StringComparison.Ordinal) || f.EndsWith(".part", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scoped_package_uses_the_registry_url_layout()
    {
        context.Server.Map("@acme/faces/-/faces-0.1.0.tgz", Responses.File(Tarball));
        var source = new NpmTarballSource("@acme/faces", "0.1.0", "package/model/second.onnx", TarballSha, Tarball.Length);
        var model = StoreTestContext.Spec("scoped", new ModelFileSpec("second.onnx", StoreTestContext.Sha256(Second), Second.Length, source));

        var path = await context.Store().GetFilePathAsync(model, "second.onnx");

        File.ReadAllBytes(path).Should().Equal(Second);
        source.GetTarballUrl(new Uri("https://registry.npmjs.org/")).Should().Be(new Uri("https://registry.npmjs.org/@acme/faces/-/faces-0.1.0.tgz"));
    }

    [Fact]
    public async Task Tarball_in_a_models_folder_is_used_without_downloading()
    {
        File.WriteAllBytes(Path.Combine(context.ModelsDir, "demo-pkg-1.2.3.tgz"), Tarball);

        var store = context.Store(context.Options() with { AllowDownload = false });
        var model = Member("first.onnx", First);
        store.IsCached(model).Should().BeTrue("the member can be extracted without the network");

        var path = await store.GetFilePathAsync(model, "first.onnx");

        path.Should().Be(Path.Combine(context.CacheDir, "first.onnx"));
        File.ReadAllBytes(path).Should().Equal(First);
        context.Server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Member_with_the_wrong_hash_is_deleted()
    {
        context.Server.Map("demo-pkg/-/demo-pkg-1.2.3.tgz", Responses.File(Tarball));
        var model = Member("first.onnx", Second, path: "package/model/first.onnx");

        var act = () => context.Store().FetchAsync(model);

        (await act.Should().ThrowAsync<ModelChecksumException>()).Which.Message
            .Should().StartWith($"first.onnx from {context.Server.Url("demo-pkg/-/demo-pkg-1.2.3.tgz")} (package/model/first.onnx): SHA-256 ");
        context.CacheFiles().Should().NotContain(f => f.StartsWith("first.onnx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tarball_with_the_wrong_hash_is_deleted()
    {
        var other = MakeTarball(("package/model/first.onnx", First));
        context.Server.Map("demo-pkg/-/demo-pkg-1.2.3.tgz", Responses.File(other));

        var act = () => context.Store().FetchAsync(Member("first.onnx", First));

        (await act.Should().ThrowAsync<ModelChecksumException>()).Which.FileName.Should().Be("demo-pkg-1.2.3.tgz");
        context.CacheFiles().Should().NotContain(f => f.StartsWith("tarballs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_member_is_reported()
    {
        context.Server.Map("demo-pkg/-/demo-pkg-1.2.3.tgz", Responses.File(Tarball));

        var act = () => context.Store().FetchAsync(Member("third.onnx", First));

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message.Should().Contain("the tarball has no file package/model/third.onnx");
    }

    [Fact]
    public async Task Missing_package_reports_the_tarball_url_and_both_names_to_place()
    {
        var act = () => context.Store().FetchAsync(Member("first.onnx", First));

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message.Should()
            .StartWith($"could not download demo-pkg-1.2.3.tgz from {context.Server.Url("demo-pkg/-/demo-pkg-1.2.3.tgz")}: HTTP 404")
            .And.Contain("put first.onnx (or demo-pkg-1.2.3.tgz) in");
    }

    private ModelSpec Member(string name, byte[] data, string? path = null) =>
        StoreTestContext.Spec(Path.GetFileNameWithoutExtension(name), new ModelFileSpec(
            name, StoreTestContext.Sha256(data), data.Length,
            new NpmTarballSource("demo-pkg", "1.2.3", path ?? $"package/model/{name}", TarballSha, Tarball.Length)));

    internal static byte[] MakeTarball(params (string Name, byte[] Data)[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            foreach (var (name, data) in entries)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }

        return output.ToArray();
    }
}
