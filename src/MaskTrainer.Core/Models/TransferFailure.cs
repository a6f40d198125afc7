using System.Net;

namespace MaskTrainer.Models;

/// <summary>One failed HTTP attempt, internal to <see cref="HttpFetcher"/>: transient ones are retried, the last becomes a <see cref="ModelDownloadException"/>.</summary>
internal sealed class TransferFailure : Exception
{
    public TransferFailure(string reason, bool transient, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base(reason, inner)
    {
        Transient = transient;
        StatusCode = statusCode;
    }

    /// <summary>Worth another attempt (connection lost, timeout, 5xx), as opposed to e.g. 404.</summary>
    public bool Transient { get; }

    /// <summary>HTTP status, when the server answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}
