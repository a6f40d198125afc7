namespace MaskTrainer.Models;

/// <summary>A file downloaded directly from an http(s) URL.</summary>
public sealed record UrlSource : ModelSource
{
    /// <summary>Creates a source for <paramref name="url"/>, which must be an absolute http or https URL.</summary>
    public UrlSource(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"'{url}' is not an absolute http(s) URL", nameof(url));
        }

        Url = url;
    }

    /// <summary>The download URL.</summary>
    public Uri Url { get; }

    /// <inheritdoc/>
    public override string Describe() => Url.ToString();
}
