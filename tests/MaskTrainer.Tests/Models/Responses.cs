using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MaskTrainer.Tests.Models;

/// <summary>Ready-made <see cref="LoopbackHandler"/>s: serve bytes (honouring Range), errors, drops, stalls.</summary>
internal static class Responses
{
    /// <summary>Serves <paramref name="data"/>; answers <c>Range: bytes=N-</c> with 206 unless <paramref name="honourRange"/> is false.</summary>
    public static LoopbackHandler File(byte[] data, bool honourRange = true) => (request, _, stream, ct) =>
        SendAsync(stream, request, data, data.Length, honourRange, ct);

    /// <summary>An empty response with <paramref name="status"/>.</summary>
    public static LoopbackHandler Status(int status) => async (_, _, stream, ct) =>
        await WriteHeadAsync(stream, $"{status} {Reason(status)}", 0, null, ct);

    /// <summary>The first <paramref name="times"/> requests get headers announcing everything, then <paramref name="cut"/> body bytes, then the connection is closed; later requests are served properly.</summary>
    public static LoopbackHandler DropAfter(byte[] data, int cut, int times, bool honourRange = true) => async (request, attempt, stream, ct) =>
    {
        if (attempt >= times)
        {
            await SendAsync(stream, request, data, data.Length, honourRange, ct);
            return;
        }

        long from = honourRange ? request.RangeStart ?? 0 : 0;
        await SendAsync(stream, request, data, Math.Min(data.Length, from + cut), honourRange, ct);
        Drop(stream);
    };

    /// <summary>Serves all of <paramref name="data"/> (honouring Range) in <paramref name="chunks"/> parts, <paramref name="pause"/> apart: a download slow enough to watch.</summary>
    public static LoopbackHandler Slow(byte[] data, int chunks, TimeSpan pause) => async (request, _, stream, ct) =>
    {
        long from = await WriteHeadForAsync(stream, request, data, honourRange: true, ct);
        int step = (int)Math.Max(1, (data.Length - from + chunks - 1) / chunks);
        for (long at = from; at < data.Length; at += step)
        {
            await stream.WriteAsync(data.AsMemory((int)at, (int)Math.Min(step, data.Length - at)), ct);
            await stream.FlushAsync(ct);
            await Task.Delay(pause, ct);
        }
    };

    /// <summary>Sends headers and the first <paramref name="sendFirst"/> bytes, then goes silent until the server stops.</summary>
    public static LoopbackHandler StallAfter(byte[] data, int sendFirst) => async (request, _, stream, ct) =>
    {
        await SendAsync(stream, request, data, sendFirst, honourRange: false, ct);
        await Task.Delay(Timeout.Infinite, ct);
    };

    /// <summary>Reads the request and never answers.</summary>
    public static LoopbackHandler NoAnswer() => (_, _, _, ct) => Task.Delay(Timeout.Infinite, ct);

    private static async Task SendAsync(Stream stream, LoopbackRequest request, byte[] data, long sendUpTo, bool honourRange, CancellationToken ct)
    {
        long from = await WriteHeadForAsync(stream, request, data, honourRange, ct);
        await stream.WriteAsync(data.AsMemory((int)from, (int)(sendUpTo - from)), ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>Writes a 200 head, or a 206 one for a range request when <paramref name="honourRange"/>; returns where the body starts.</summary>
    private static async Task<long> WriteHeadForAsync(Stream stream, LoopbackRequest request, byte[] data, bool honourRange, CancellationToken ct)
    {
        long from = honourRange ? request.RangeStart ?? 0 : 0;
        if (from > 0)
        {
            string range = string.Create(CultureInfo.InvariantCulture, $"bytes {from}-{data.Length - 1}/{data.Length}");
            await WriteHeadAsync(stream, "206 Partial Content", data.Length - from, range, ct);
        }
        else
        {
            await WriteHeadAsync(stream, "200 OK", data.Length, null, ct);
        }

        return from;
    }

    private static async Task WriteHeadAsync(Stream stream, string status, long length, string? contentRange, CancellationToken ct)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n")
            .Append("Content-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nConnection: close\r\n");
        if (contentRange is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Range: {contentRange}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), ct);
    }

    private static string Reason(int status) => status switch
    {
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    private static void Drop(Stream stream)
    {
        // Close after a short body: the client sees the connection end before Content-Length bytes.
        // (A RST could also discard bytes the client has not read yet, making byte counts racy.)
        var socket = ((NetworkStream)stream).Socket;
        socket.Shutdown(SocketShutdown.Both);
        socket.Close();
    }
}
