using System.Net;

namespace MaskTrainer.Models;

/// <summary>
/// Thrown when a model file is not available locally and cannot be downloaded (downloads disabled,
/// host unreachable, HTTP error, timeout, stalled transfer). The message names the file, the URL,
/// the reason and where to put the file by hand.
/// </summary>
public sealed class ModelDownloadException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file that was wanted.</param>
    /// <param name="url">The URL tried (or that would have been tried).</param>
    /// <param name="reason">What went wrong, e.g. <c>HTTP 404 Not Found</c> or <c>timed out</c>.</param>
    /// <param name="placeHint">Where the user can put the file by hand.</param>
    /// <param name="statusCode">HTTP status, when the server answered.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ModelDownloadException(string fileName, Uri url, string reason, string placeHint, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base($"could not download {fileName} from {url}: {reason}; {placeHint}", inner)
    {
        FileName = fileName;
        Url = url;
        Reason = reason;
        StatusCode = statusCode;
    }

    /// <summary>The file that was wanted.</summary>
    public string FileName { get; }

    /// <summary>The URL tried.</summary>
    public Uri Url { get; }

    /// <summary>What went wrong.</summary>
    public string Reason { get; }

    /// <summary>HTTP status, when the server answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}
