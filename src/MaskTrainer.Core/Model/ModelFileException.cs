namespace MaskTrainer.Model;

/// <summary>
/// A model file could not be read or written. The message is one line that starts with the
/// file's path and says what is wrong with it.
/// </summary>
public sealed class ModelFileException : Exception
{
    public ModelFileException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
    }

    /// <summary>The model file concerned, as the caller named it.</summary>
    public string FilePath { get; }
}
