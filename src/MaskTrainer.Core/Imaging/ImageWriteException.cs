namespace MaskTrainer.Imaging;

/// <summary>
/// An image could not be written: a format the encoder refuses, a folder in the way, no
/// permission, a full disk. The message is one line that starts with the file name.
/// </summary>
public sealed class ImageWriteException : ImagingException
{
    public ImageWriteException(string path, string reason, Exception? innerException = null)
        : base($"{path}: {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that was to be written, as given.</summary>
    public string Path { get; }

    /// <summary>The problem without the file name, e.g. "a folder of that name is in the way".</summary>
    public string Reason { get; }
}
