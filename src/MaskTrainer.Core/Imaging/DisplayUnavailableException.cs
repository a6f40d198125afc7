namespace MaskTrainer.Imaging;

/// <summary>
/// A window was requested but there is no display to show it on. Thrown before OpenCV's GUI
/// backend is touched, because a GUI back-end cannot open a window without one (GTK throws, Qt aborts the process).
/// </summary>
public sealed class DisplayUnavailableException : ImagingException
{
    public DisplayUnavailableException(string message)
        : base(message)
    {
    }
}
