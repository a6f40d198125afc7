namespace MaskTrainer.Data;

/// <summary>
/// A dataset cannot be used as given (missing folder, too few classes, an empty class, a class
/// too small to split, an unreadable file). The message is one line that names the folder or
/// class and the problem, fit to print as is.
/// </summary>
public sealed class DatasetException : Exception
{
    public DatasetException(string message)
        : base(message)
    {
    }

    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
