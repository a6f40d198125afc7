namespace MaskTrainer.Models;

/// <summary>
/// Thrown when a file that is never downloaded (a system file such as the opencv-data Haar
/// cascades, or a user-supplied model) is not present, or no present copy has the right SHA-256.
/// </summary>
public sealed class ModelNotFoundException : ModelException
{
    /// <summary>Creates the exception.</summary>
    public ModelNotFoundException(string fileName, string message)
        : base(message)
    {
        FileName = fileName;
    }

    /// <summary>The file that was wanted.</summary>
    public string FileName { get; }
}
