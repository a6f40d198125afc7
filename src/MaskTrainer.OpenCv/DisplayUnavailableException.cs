namespace MaskTrainer.OpenCv;

/// <summary>
/// A window was requested but there is no display to show it on. Thrown before OpenCV's GUI
/// backend is touched, because Qt aborts the whole process when it cannot connect to a display.
/// </summary>
public sealed class DisplayUnavailableException : OpenCvException
{
    public DisplayUnavailableException(string message)
        : base(message)
    {
    }
}
