namespace MaskTrainer.Imaging;

/// <summary>
/// An image could not be read or decoded: missing, empty, truncated, corrupt, not an image, or
/// over the pixel limit. The message is one line that starts with the file name.
/// </summary>
public sealed class ImageDecodeException : ImagingException
{
    private readonly string _source;

    public ImageDecodeException(string source, string reason, Exception? innerException = null)
        : base($"{source}: {reason}", innerException)
    {
        _source = source;
        Reason = reason;
    }

    /// <summary>The file path, the name given to <see cref="ImageCodec.Decode"/>, or "&lt;bytes&gt;".</summary>
    public override string Source => _source;

    /// <summary>The problem without the file name, e.g. "file is empty".</summary>
    public string Reason { get; }
}
