using System.Text.RegularExpressions;

namespace MaskTrainer.Detect.Sources;

/// <summary>
/// --video and --image take a local file. A stream or web address (rtsp://, http://, udp://) is
/// not one: OpenCV was only ever asked for files (no network code, no timeouts for a stream that
/// stalls), and the file check would call it "not found", as if it were a typo.
/// </summary>
public static partial class InputUrl
{
    /// <summary>
    /// The usage error for <paramref name="value"/> of <paramref name="option"/> when it is a URL
    /// (a scheme followed by "://") and no file of that name exists; otherwise null.
    /// </summary>
    public static string? Problem(string option, string value)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(value);
        if (!Scheme().IsMatch(value) || File.Exists(value) || Directory.Exists(value))
        {
            return null; // "rtsp://x" is also a relative path (rtsp:/x): a file that exists there is read
        }

        return $"{option} takes a file; stream and web URLs (rtsp://, http(s)://, udp://, ...) are not supported, got '{value}'";
    }

    // RFC 3986's scheme: a letter, then letters, digits, '+', '-' or '.'; two letters at least, so C:// is a drive.
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]+://")]
    private static partial Regex Scheme();
}
