namespace MaskTrainer.Detect.Sources;

/// <summary>A live source stopped delivering frames and did not recover after the retries.</summary>
public sealed class CameraStoppedException : Exception
{
    public CameraStoppedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
