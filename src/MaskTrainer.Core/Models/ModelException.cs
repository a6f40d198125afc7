namespace MaskTrainer.Models;

/// <summary>Base of every error about models: unknown id, bad catalog, failed download, checksum mismatch.
/// Catch this one type to report any of them as a one-line message.</summary>
public class ModelException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ModelException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
