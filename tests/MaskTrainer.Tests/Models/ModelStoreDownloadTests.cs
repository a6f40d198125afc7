using System.Diagnostics;
using System.Net;
using MaskTrainer.Models;

namespace MaskTrainer.Tests.Models;

/// <summary>Direct-URL downloads through a real loopback HTTP server, including a misbehaving one.</summary>
public sealed class ModelStoreDownloadTests : IAsyncLifetime
{
    private static readonly byte[] Data = StoreTestContext.Bytes(300_000, seed: 1);
    private readonly StoreTestContext context = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task Served_file_is_downloaded_verified_and_then_served_from_the_cache()
    {
        context.Server.Map("m/a.onnx", Responses.File(Data));
        var model = StoreTestContext.Spec("a", StoreTestContext.UrlFile("a.onnx", Data, context.Server.Url("m/a.onnx")));
        var store = context.Store();
        var reports = new List<DownloadProgress>();

        var paths = await store.FetchAsync(model, new SyncProgress(reports));
        var again = store.GetFilePath(model, "a.onnx");

        paths.Should().Equal(Path.Combine(context.CacheDir, "a.onnx"));
        File.ReadAllBytes(paths[0]).Should().Equal(Data);
        again.Should().Be(paths[0]);
        context.Server.CountRequests("m/a.onnx").Should().Be(1, "the second lookup is a cache hit");
        store.IsCached(model).Should().BeTrue();
        context.CacheFiles().Should().Equal(Path.Combine(".locks", "a.onnx.lock"), "a.onnx", "a.onnx.sha256");
        reports.Should().NotBeEmpty();
        reports[0].Should().Be(new DownloadProgress("a.onnx", 0, Data.Length));
        reports.Select(r => r.Stage).Distinct().Should().Equal(DownloadStage.Transferring, DownloadStage.Verifying, DownloadStage.Done);
        reports[^2].Should().Be(new DownloadProgress("a.onnx", Data.Length, Data.Length, DownloadStage.Verifying));
        reports[^1].Should().Be(new DownloadProgress("a.onnx", Data.Length, Data.Length, DownloadStage.Done));
    }

    [Fact]
    public async Task Checksum_mismatch_deletes_the_download_and_names_file_and_url()
    {
        context.Server.Map("m/bad.onnx", Responses.File(Data));
        var wrong = StoreTestContext.Bytes(Data.Length, seed: 2);
        var model = StoreTestContext.Spec("bad", StoreTestContext.UrlFile("bad.onnx", wrong, context.Server.Url("m/bad.onnx")));

        var act = () => context.Store().FetchAsync(model);

        var error = (await act.Should().ThrowAsync<ModelChecksumException>()).Which;
        error.Message.Should().StartWith($"bad.onnx from {context.Server.Url("m/bad.onnx")}: SHA-256 ")
            .And.Contain(StoreTestContext.Sha256(Data)[..12]).And.Contain(StoreTestContext.Sha256(wrong)[..12])
            .And.EndWith("the download was deleted");
        error.Deleted.Should().BeTrue();
        context.CacheFiles().Should().NotContain(f => f.StartsWith("bad.onnx", StringComparison.Ordinal), "neither the file nor a .part survives");
    }

    [Fact]
    public async Task Http_404_fails_at_once_with_status_url_and_where_to_put_the_file()
    {
        var url = context.Server.Url("m/missing.onnx");
        var model = StoreTestContext.Spec("missing", StoreTestContext.UrlFile("missing.onnx", Data, url));

        var act = () => context.Store().FetchAsync(model);

        var error = (await act.Should().ThrowAsync<ModelDownloadException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.NotFound);
        error.Message.Should().Be(
            $"could not download missing.onnx from {url}: HTTP 404 Not Found; download it yourself and put missing.onnx in "
            + $"{context.CacheDir} or a folder given by --models-dir / MASKTRAINER_MODELS");
        context.Server.CountRequests("m/missing.onnx").Should().Be(1, "a 404 is not retried");
    }

    [Fact]
    public async Task Http_503_is_retried_and_then_reported()
    {
        context.Server.Map("m/busy.onnx", Responses.Status(503));
        var model = StoreTestContext.Spec("busy", StoreTestContext.UrlFile("busy.onnx", Data, context.Server.Url("m/busy.onnx")));

        var act = () => context.Store(context.Options(retries: 1)).FetchAsync(model);

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message.Should().Contain("HTTP 503 Service Unavailable (after 2 attempts)");
        context.Server.CountRequests("m/busy.onnx").Should().Be(2);
    }

    [Fact]
    public async Task Dropped_connection_is_resumed_with_a_range_request()
    {
        context.Server.Map("m/drop.onnx", Responses.DropAfter(Data, cut: 100_000, times: 1));
        var model = StoreTestContext.Spec("drop", StoreTestContext.UrlFile("drop.onnx", Data, context.Server.Url("m/drop.onnx")));

        var path = await context.Store().GetFilePathAsync(model, "drop.onnx");

        File.ReadAllBytes(path).Should().Equal(Data);
        var requests = context.Server.Requests.Where(r => r.Path == "/m/drop.onnx").ToList();
        requests.Should().HaveCount(2);
        requests[0].RangeStart.Should().BeNull();
        requests[1].RangeStart.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(100_000, "the second request resumes where the first stopped");
        context.CacheFiles().Should().NotContain(f => f.EndsWith(".part", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dropped_connection_restarts_cleanly_when_the_server_ignores_ranges()
    {
        context.Server.Map("m/norange.onnx", Responses.DropAfter(Data, cut: 50_000, times: 2, honourRange: false));
        var model = StoreTestContext.Spec("norange", StoreTestContext.UrlFile("norange.onnx", Data, context.Server.Url("m/norange.onnx")));

        var path = await context.Store().GetFilePathAsync(model, "norange.onnx");

        File.ReadAllBytes(path).Should().Equal(Data, "a 200 answer to a range request replaces the partial file");
        context.Server.CountRequests("m/norange.onnx").Should().Be(3);
    }

    [Fact]
    public async Task Connection_that_keeps_dropping_fails_and_leaves_no_file_under_the_final_name()
    {
        context.Server.Map("m/flaky.onnx", Responses.DropAfter(Data, cut: 10_000, times: int.MaxValue));
        var model = StoreTestContext.Spec("flaky", StoreTestContext.UrlFile("flaky.onnx", Data, context.Server.Url("m/flaky.onnx")));

        var act = () => context.Store().FetchAsync(model);

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message
            .Should().Contain("flaky.onnx").And.Contain("connection lost").And.Contain("(after 3 attempts)");
        context.Server.CountRequests("m/flaky.onnx").Should().Be(3);
        File.Exists(Path.Combine(context.CacheDir, "flaky.onnx")).Should().BeFalse();
        new FileInfo(Path.Combine(context.CacheDir, "flaky.onnx.part")).Length.Should().Be(30_000, "the partial is kept under .part for a later resume");
    }

    [Fact]
    public async Task Kept_partial_download_is_resumed_by_a_later_run()
    {
        Directory.CreateDirectory(context.CacheDir);
        File.WriteAllBytes(Path.Combine(context.CacheDir, "later.onnx.part"), Data[..123_456]);
        context.Server.Map("m/later.onnx", Responses.File(Data));
        var model = StoreTestContext.Spec("later", StoreTestContext.UrlFile("later.onnx", Data, context.Server.Url("m/later.onnx")));

        var path = await context.Store().GetFilePathAsync(model, "later.onnx");

        File.ReadAllBytes(path).Should().Equal(Data);
        context.Server.Requests.Single().RangeStart.Should().Be(123_456);
    }

    [Fact]
    public async Task Stale_partial_that_does_not_belong_is_discarded_for_one_clean_download()
    {
        Directory.CreateDirectory(context.CacheDir);
        File.WriteAllBytes(Path.Combine(context.CacheDir, "stale.onnx.part"), StoreTestContext.Bytes(123_456, seed: 3));
        context.Server.Map("m/stale.onnx", Responses.File(Data));
        var model = StoreTestContext.Spec("stale", StoreTestContext.UrlFile("stale.onnx", Data, context.Server.Url("m/stale.onnx")));

        var path = await context.Store().GetFilePathAsync(model, "stale.onnx");

        File.ReadAllBytes(path).Should().Equal(Data);
        context.Server.Requests.Select(r => r.RangeStart).Should().Equal(123_456, null);
    }

    [Fact]
    public async Task Stalled_transfer_times_out()
    {
        context.Server.Map("m/stall.onnx", Responses.StallAfter(Data, sendFirst: 1000));
        var model = StoreTestContext.Spec("stall", StoreTestContext.UrlFile("stall.onnx", Data, context.Server.Url("m/stall.onnx")));
        var options = context.Options(retries: 0) with { StallTimeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();

        var act = () => context.Store(options).FetchAsync(model);

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message
            .Should().Contain("timed out: transfer stalled for 1 s after 1000 bytes");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4));
        File.Exists(Path.Combine(context.CacheDir, "stall.onnx")).Should().BeFalse();
    }

    [Fact]
    public async Task Server_that_never_answers_times_out()
    {
        context.Server.Map("m/silent.onnx", Responses.NoAnswer());
        var model = StoreTestContext.Spec("silent", StoreTestContext.UrlFile("silent.onnx", Data, context.Server.Url("m/silent.onnx")));
        var options = context.Options(retries: 0) with { Timeout = TimeSpan.FromSeconds(1) };

        var act = () => context.Store(options).FetchAsync(model);

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message
            .Should().Contain("timed out: no answer within 1 s");
    }

    [Fact]
    public async Task Unreachable_server_is_a_download_error()
    {
        var url = new Uri("http://127.0.0.1:1/m/x.onnx"); // port 1: nothing listens, connection refused
        var model = StoreTestContext.Spec("x", StoreTestContext.UrlFile("x.onnx", Data, url));

        var act = () => context.Store(context.Options(retries: 0)).FetchAsync(model);

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message.Should().StartWith($"could not download x.onnx from {url}: ");
    }

    [Fact]
    public async Task Offline_mode_fails_without_a_request()
    {
        context.Server.Map("m/off.onnx", Responses.File(Data));
        var model = StoreTestContext.Spec("off", StoreTestContext.UrlFile("off.onnx", Data, context.Server.Url("m/off.onnx")));

        var act = () => context.Store(context.Options() with { AllowDownload = false }).FetchAsync(model);

        (await act.Should().ThrowAsync<ModelDownloadException>()).Which.Message
            .Should().Contain("downloads are disabled (MASKTRAINER_OFFLINE)").And.Contain(context.CacheDir).And.NotContain("does not exist");

        // A models folder that does not exist (a typo) is named where the model is then missing.
        var typo = Path.Combine(context.CacheDir, "modles");
        var withTypo = () => context.Store(context.Options() with { AllowDownload = false, ModelsDirectories = [typo] }).FetchAsync(model);
        (await withTypo.Should().ThrowAsync<ModelDownloadException>()).Which.Message
            .Should().EndWith($"(the models folder {typo} given does not exist)");

        // A file given as a models folder (MASKTRAINER_MODELS=the model file itself) said "does not exist" too.
        var file = Path.Combine(Path.GetDirectoryName(context.CacheDir)!, "res10.onnx");
        File.WriteAllText(file, "a model file, not a folder");
        var withFile = () => context.Store(context.Options() with { AllowDownload = false, ModelsDirectories = [file, typo] }).FetchAsync(model);
        (await withFile.Should().ThrowAsync<ModelDownloadException>()).Which.Message
            .Should().EndWith($"(the models folder {typo} given does not exist; {file}, given as a models folder, is a file, not a folder: give the folder that holds it)");
        context.Server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Concurrent_callers_share_one_download()
    {
        context.Server.Map("m/shared.onnx", Responses.File(Data));
        var model = StoreTestContext.Spec("shared", StoreTestContext.UrlFile("shared.onnx", Data, context.Server.Url("m/shared.onnx")));
        var storeA = context.Store();
        var storeB = context.Store();

        var paths = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => (i % 2 == 0 ? storeA : storeB).GetFilePathAsync(model, "shared.onnx"))));

        paths.Distinct().Should().ContainSingle();
        File.ReadAllBytes(paths[0]).Should().Equal(Data);
        context.Server.CountRequests("m/shared.onnx").Should().Be(1);
    }

    /// <summary>Collects reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class SyncProgress(List<DownloadProgress> reports) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
