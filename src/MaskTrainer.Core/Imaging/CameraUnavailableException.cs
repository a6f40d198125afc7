namespace MaskTrainer.Imaging;

/// <summary>A camera could not be opened (missing, in use, or no permission).</summary>
public sealed class CameraUnavailableException : ImagingException
{
    public CameraUnavailableException(int index, string message)
        : base(message)
    {
        Index = index;
    }

    /// <summary>The camera index that was asked for.</summary>
    public int Index { get; }
}
