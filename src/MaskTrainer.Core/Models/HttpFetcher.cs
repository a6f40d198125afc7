using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace MaskTrainer.Models;

/// <summary>
/// Downloads one file into <c>&lt;final&gt;.part</c>, resuming with an HTTP Range request when a
/// partial exists, retrying transient failures, then verifies SHA-256 and renames into place.
/// The final name only ever holds a verified file; a bad download is deleted. The caller holds
/// the <see cref="CacheLock"/> for the final path, so the fixed .part name is safe.
/// </summary>
internal sealed class HttpFetcher : IDisposable
{
    private readonly ModelStoreOptions options;
    private readonly HttpClient client;

    public HttpFetcher(ModelStoreOptions options)
    {
        this.options = options;
        var handler = options.HttpHandler ?? new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            AutomaticDecompression = DecompressionMethods.None, // byte ranges and hashes refer to the raw bytes
        };
        client = new HttpClient(handler, disposeHandler: options.HttpHandler is null) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("MaskTrainer", "1.0"));
    }

    /// <summary>Downloads, verifies and commits <paramref name="request"/>; throws <see cref="ModelDownloadException"/> or <see cref="ModelChecksumException"/>.</summary>
    public async Task DownloadAsync(DownloadRequest request, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        string part = request.FinalPath + ".part";
        bool stalePartial = File.Exists(part);
        try
        {
            await TransferWithRetriesAsync(request, part, progress, ct).ConfigureAwait(false);
            try
            {
                Commit(request, part, progress);
            }
            catch (ModelChecksumException) when (stalePartial)
            {
                // The partial left by an earlier run may not belong to the bytes served now: one clean try.
                await TransferWithRetriesAsync(request, part, progress, ct).ConfigureAwait(false);
                Commit(request, part, progress);
            }
        }
        catch (Exception) when (progress is not null)
        {
            // A display must close its line before the error is printed; what is kept is what resumes.
            long kept = File.Exists(part) ? new FileInfo(part).Length : 0;
            var stage = ct.IsCancellationRequested ? DownloadStage.Interrupted : DownloadStage.Failed;
            progress.Report(new DownloadProgress(request.DisplayName, kept, request.Size, stage));
            throw;
        }

        long size = new FileInfo(request.FinalPath).Length;
        progress?.Report(new DownloadProgress(request.DisplayName, size, size, DownloadStage.Done));
    }

    /// <inheritdoc/>
    public void Dispose() => client.Dispose();

    private static void Commit(DownloadRequest request, string part, IProgress<DownloadProgress>? progress)
    {
        long length = new FileInfo(part).Length;
        progress?.Report(new DownloadProgress(request.DisplayName, length, length, DownloadStage.Verifying));
        string actual = FileHasher.Sha256(part);
        if (actual != request.Sha256)
        {
            File.Delete(part);
            throw new ModelChecksumException(request.DisplayName, request.Url.ToString(), request.Sha256, actual, deleted: true);
        }

        File.Move(part, request.FinalPath, overwrite: true);
        FileVerifier.WriteSidecar(request.FinalPath, actual);
    }

    private static long PartLength(string part, long? size)
    {
        var info = new FileInfo(part);
        if (info.Exists && size is not null && info.Length > size)
        {
            info.Delete(); // longer than the real file: cannot be a prefix of it
            return 0;
        }

        return info.Exists ? info.Length : 0;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.###} s";

    private async Task TransferWithRetriesAsync(DownloadRequest request, string part, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await TransferOnceAsync(request, part, progress, ct).ConfigureAwait(false);
                return;
            }
            catch (TransferFailure f) when (f.Transient && attempt < options.Retries)
            {
                await Task.Delay(options.RetryDelay * (attempt + 1), ct).ConfigureAwait(false);
            }
            catch (TransferFailure f)
            {
                string reason = attempt == 0 ? f.Message : $"{f.Message} (after {attempt + 1} attempts)";
                throw new ModelDownloadException(request.DisplayName, request.Url, reason, request.PlaceHint, f.StatusCode, f.InnerException);
            }
        }
    }

    private async Task TransferOnceAsync(DownloadRequest request, string part, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        long have = PartLength(part, request.Size);
        if (have > 0 && have == request.Size)
        {
            return; // complete from an earlier run; Commit verifies it
        }

        using var message = new HttpRequestMessage(HttpMethod.Get, request.Url);
        if (have > 0)
        {
            message.Headers.Range = new RangeHeaderValue(have, null);
        }

        using var response = await SendAsync(message, ct).ConfigureAwait(false);
        bool append = CheckResponse(response, part, have);
        have = append ? have : 0;
        long? total = append ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
        var reporter = new ProgressReporter(progress, request.DisplayName, total ?? request.Size);
        var body = new BodyLimits(have, total ?? request.Size, request.Size ?? total);
        await ReceiveAsync(response, part, body, reporter, ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            return await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TransferFailure($"timed out: no answer within {Seconds(options.Timeout)}", transient: true, inner: e);
        }
        catch (HttpRequestException e)
        {
            // A host that does not resolve will not resolve on retry either (typically: offline).
            throw new TransferFailure(e.Message, transient: e.HttpRequestError != HttpRequestError.NameResolutionError, inner: e);
        }
    }

    /// <summary>Throws for error statuses; returns whether the body continues the partial file.</summary>
    private static bool CheckResponse(HttpResponseMessage response, string part, long have)
    {
        var status = response.StatusCode;
        if (status == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            File.Delete(part);
            throw new TransferFailure("HTTP 416: the server refused to resume; restarting", transient: true, status);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new TransferFailure($"HTTP {(int)status} {response.ReasonPhrase}".TrimEnd(), IsTransient(status), status);
        }

        if (status != HttpStatusCode.PartialContent)
        {
            return false; // 200: the server sent the whole file (it ignored or was not asked for a range)
        }

        if (response.Content.Headers.ContentRange?.From != have)
        {
            File.Delete(part);
            throw new TransferFailure("HTTP 206 with an unexpected Content-Range; restarting", transient: true, status);
        }

        return true;
    }

    private async Task ReceiveAsync(HttpResponseMessage response, string part, BodyLimits body, ProgressReporter reporter, CancellationToken ct)
    {
        var (have, total, limit) = body;
        long done = have;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var file = new FileStream(part, have > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        bool writing = false; // write errors (disk full) are ours, not the network's: they are not retried
        try
        {
            stall.CancelAfter(options.StallTimeout);
            await using var stream = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
            reporter.Report(done, force: true);
            int n;
            while ((n = await stream.ReadAsync(buffer, stall.Token).ConfigureAwait(false)) > 0)
            {
                stall.CancelAfter(options.StallTimeout);
                writing = true;
                await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                writing = false;
                done += n;
                reporter.Report(done);
                if (done > limit)
                {
                    break; // more than the catalog's size: stop; the hash check rejects it
                }
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TransferFailure($"timed out: transfer stalled for {Seconds(options.StallTimeout)} after {done} bytes", transient: true, inner: e);
        }
        catch (Exception e) when (!writing && e is IOException or HttpRequestException)
        {
            throw new TransferFailure($"connection lost after {done} of {total?.ToString() ?? "?"} bytes ({e.Message})", transient: true, inner: e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        reporter.Report(done, force: true);
        if (done < total)
        {
            throw new TransferFailure($"transfer ended after {done} of {total} bytes", transient: true);
        }
    }

    /// <summary>Bytes already in the .part file, the length the server announced (else the catalog's), and where to stop reading.</summary>
    private readonly record struct BodyLimits(long Have, long? Total, long? Limit);
}
