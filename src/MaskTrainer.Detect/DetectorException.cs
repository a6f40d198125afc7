namespace MaskTrainer.Detect;

/// <summary>A problem with the detector's inputs or settings that the user can fix; the message is one line.</summary>
public sealed class DetectorException : Exception
{
    public DetectorException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
