using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MaskTrainer.Tests.Models;

/// <summary>
/// Answers one request on a connection the way a handler decides, then closes it.
/// <paramref name="attempt"/> counts requests to the same path from 0, so a handler can misbehave
/// on the first attempts and recover later.
/// </summary>
internal delegate Task LoopbackHandler(LoopbackRequest request, int attempt, Stream connection, CancellationToken ct);

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 with a free port, built on a raw <see cref="TcpListener"/> so
/// tests can also drop connections mid-body and stall. One request per connection.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<string, LoopbackHandler> routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LoopbackRequest> requests = new();
    private readonly Task acceptLoop;

    public LoopbackServer()
    {
        listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        acceptLoop = AcceptLoopAsync();
    }

    public Uri BaseUrl { get; }

    public IReadOnlyCollection<LoopbackRequest> Requests => requests;

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public void Map(string path, LoopbackHandler handler) => routes["/" + path.TrimStart('/')] = handler;

    public int CountRequests(string path) => requests.Count(r => r.Path == "/" + path.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, stop.Token);
                requests.Enqueue(request);
                int attempt = attempts.AddOrUpdate(request.Path, 0, (_, n) => n + 1);
                var handler = routes.GetValueOrDefault(request.Path) ?? Responses.Status(404);
                await handler(request, attempt, stream, stop.Token);
                await stream.FlushAsync(stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client gave up (timeout test) or the server is shutting down.
            }
        }
    }

    private static async Task<LoopbackRequest> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, ct) == 0)
            {
                throw new IOException("client closed before sending a request");
            }

            header.Append((char)one[0]);
        }

        var lines = header.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        return new LoopbackRequest(start[0], Uri.UnescapeDataString(start[1]), headers);
    }
}
