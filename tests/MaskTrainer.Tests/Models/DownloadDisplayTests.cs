using MaskTrainer.Models;
using MaskTrainer.Train.Output;

namespace MaskTrainer.Tests.Models;

/// <summary>
/// What a user sees of a model download: real transfers from the loopback server through the store,
/// shown by the CLI's display (set once on the store's options, as the commands do).
/// </summary>
public sealed class DownloadDisplayTests : IAsyncLifetime
{
    private static readonly byte[] Data = StoreTestContext.Bytes(2_000_000, seed: 21);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(60);
    private readonly StoreTestContext context = new();
    private readonly StringWriter output = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await context.DisposeAsync();

    [Fact]
    public async Task Piped_download_is_a_start_line_quarter_lines_and_a_done_line_without_ansi_codes()
    {
        context.Server.Map("m/slow.onnx", Responses.Slow(Data, chunks: 10, Pause));
        var store = PipedStore();

        await store.GetFilePathAsync(Model("slow.onnx"), "slow.onnx");

        string text = output.ToString();
        text.Should().NotContain("\u001b").And.NotContain("\r");
        var lines = Lines();
        lines[0].Should().Be("downloading slow.onnx (2.0 MB)");
        var quarters = lines[1..^1];
        quarters.Should().NotBeEmpty("a 0.6 s download crosses quarters between 100 ms reports")
            .And.AllSatisfy(l => l.Should().MatchRegex(@"^  slow\.onnx: (25|50|75) % \(\d+\.\d MB of 2\.0 MB, \d+\.\d MB/s\)$"));
        quarters.Select(l => int.Parse(l.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture)).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        lines[^1].Should().MatchRegex(@"^downloaded slow\.onnx: 2\.0 MB in \d+\.\d s \(\d+\.\d MB/s\), SHA-256 verified$");
    }

    [Fact]
    public async Task Interrupted_download_says_what_was_kept_and_the_next_run_resumes_it()
    {
        context.Server.Map("m/cut.onnx", Responses.StallAfter(Data, sendFirst: 500_000));
        var model = Model("cut.onnx");
        string part = Path.Combine(context.CacheDir, "cut.onnx.part");
        using var cancel = new CancellationTokenSource();

        var fetch = PipedStore().GetFilePathAsync(model, "cut.onnx", ct: cancel.Token);
        await WaitUntilAsync(() => File.Exists(part) && new FileInfo(part).Length > 0);
        await Task.Delay(200); // the server has sent what it will send and stalls
        await cancel.CancelAsync(); // Ctrl+C

        await fetch.Invoking(f => f).Should().ThrowAsync<OperationCanceledException>();
        long kept = new FileInfo(part).Length;
        kept.Should().BeInRange(1, 500_000);
        Lines()[^1].Should().Be($"download of cut.onnx interrupted: {DownloadText.Megabytes(kept)} of 2.0 MB kept; the next run resumes from there");

        context.Server.Map("m/cut.onnx", Responses.File(Data));
        output.GetStringBuilder().Clear();
        await PipedStore().GetFilePathAsync(model, "cut.onnx");

        Lines()[0].Should().Be($"downloading cut.onnx (2.0 MB, resuming at {DownloadText.Megabytes(kept)})");
        Lines()[^1].Should().StartWith("downloaded cut.onnx: 2.0 MB in ");
        long startQuarter = kept * 4 / Data.Length;
        Lines().Should().NotContain(l => l.StartsWith("  cut.onnx: ", StringComparison.Ordinal) && int.Parse(l.Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture) <= startQuarter * 25,
            "quarters passed before the resume are not news");
        context.Server.Requests.Last().RangeStart.Should().Be(kept);
    }

    [Fact]
    public async Task A_blocking_lookup_deep_in_a_detector_is_interrupted_by_the_stores_cancellation()
    {
        // The blocking GetFilePath takes no token (detector and backbone lookups call it); the CLI
        // puts its Ctrl+C on the store's options instead.
        context.Server.Map("m/deep.onnx", Responses.StallAfter(Data, sendFirst: 500_000));
        string part = Path.Combine(context.CacheDir, "deep.onnx.part");
        using var cancel = new CancellationTokenSource();
        var store = context.Store(context.Options() with { Progress = DownloadDisplay.Create(live: false, output), Cancellation = cancel.Token });

        var lookup = Task.Run(() => store.GetFilePath(Model("deep.onnx"), "deep.onnx"));
        await WaitUntilAsync(() => File.Exists(part) && new FileInfo(part).Length > 0);
        await Task.Delay(200);
        await cancel.CancelAsync(); // Ctrl+C

        await lookup.Invoking(l => l).Should().ThrowAsync<OperationCanceledException>();
        long kept = new FileInfo(part).Length;
        kept.Should().BeInRange(1, 500_000);
        Lines()[^1].Should().Be($"download of deep.onnx interrupted: {DownloadText.Megabytes(kept)} of 2.0 MB kept; the next run resumes from there");
    }

    [Fact]
    public async Task Npm_member_shows_the_tarball_download_then_the_unpacking()
    {
        var tarball = ModelStoreTarballTests.MakeTarball(("package/model/member.onnx", Data));
        context.Server.Map("demo-pkg/-/demo-pkg-1.2.3.tgz", Responses.File(tarball));
        var source = new NpmTarballSource("demo-pkg", "1.2.3", "package/model/member.onnx", StoreTestContext.Sha256(tarball), tarball.Length);
        var model = StoreTestContext.Spec("member", new ModelFileSpec("member.onnx", StoreTestContext.Sha256(Data), Data.Length, source));

        await PipedStore().GetFilePathAsync(model, "member.onnx");

        var lines = Lines();
        lines[0].Should().StartWith("downloading demo-pkg-1.2.3.tgz (");
        lines.Should().ContainMatch("downloaded demo-pkg-1.2.3.tgz: * SHA-256 verified");
        lines[^2].Should().Be("unpacking member.onnx from its npm tarball");
        lines[^1].Should().MatchRegex(@"^unpacked member\.onnx \(2\.0 MB\) in \d+\.\d s$");
    }

    [Fact]
    public async Task Failed_download_closes_its_display_with_one_line_before_the_error()
    {
        var model = Model("gone.onnx"); // not mapped: HTTP 404

        var act = () => PipedStore().GetFilePathAsync(model, "gone.onnx");

        await act.Should().ThrowAsync<ModelDownloadException>();
        Lines().Should().Equal("download of gone.onnx failed");
    }

    [Fact]
    public async Task Terminal_display_draws_a_spectre_bar_and_leaves_one_summary_line()
    {
        context.Server.Map("m/live.onnx", Responses.Slow(Data, chunks: 10, Pause));
        var writer = TextWriter.Synchronized(output);
        var store = context.Store(context.Options() with { Progress = DownloadDisplay.Create(live: true, writer) });

        await store.GetFilePathAsync(Model("live.onnx"), "live.onnx");

        string text = output.ToString();
        text.Should().Contain("\u001b[", "a terminal gets the live bar").And.Contain("/2.0 MB").And.Contain("MB/s").And.Contain(" left").And.Contain("live.onnx");
        text.TrimEnd().Split('\n')[^1].Should().MatchRegex(@"downloaded live\.onnx: 2\.0 MB in \d+\.\d s \(\d+\.\d MB/s\), SHA-256 verified\r?$");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); !condition(); await Task.Delay(10))
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the download should have started");
        }
    }

    private ModelStore PipedStore() => context.Store(context.Options() with { Progress = DownloadDisplay.Create(live: false, output) });

    private ModelSpec Model(string name) => StoreTestContext.Spec(Path.GetFileNameWithoutExtension(name), StoreTestContext.UrlFile(name, Data, context.Server.Url("m/" + name)));

    private string[] Lines() => output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
