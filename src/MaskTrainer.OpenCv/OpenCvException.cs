namespace MaskTrainer.OpenCv;

/// <summary>
/// An OpenCV call failed. The message is OpenCV's own (the failed check and the function, e.g.
/// "(-215:Assertion failed) !ssize.empty() in function 'resize'"), prefixed with what we were
/// doing when that helps (a file name, a layer name).
/// </summary>
public class OpenCvException : Exception
{
    /// <summary>Code used for errors detected by this layer rather than by OpenCV (cv::Error::StsError).</summary>
    public const int GenericErrorCode = -2;

    public OpenCvException(string message, int code = GenericErrorCode, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>OpenCV's cv::Error::Code (e.g. -215 for a failed assertion), or <see cref="GenericErrorCode"/>.</summary>
    public int Code { get; }
}
