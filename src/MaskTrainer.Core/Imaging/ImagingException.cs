namespace MaskTrainer.Imaging;

/// <summary>
/// A check of ours around OpenCV failed: an image that is not one, a camera or video that cannot
/// be opened, a window with no display. The message is one line that names the file or device.
/// (OpenCV's own failures arrive as OpenCvSharp's <c>OpenCVException</c>.)
/// </summary>
public class ImagingException : Exception
{
    public ImagingException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
