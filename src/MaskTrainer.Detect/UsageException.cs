namespace MaskTrainer.Detect;

/// <summary>
/// A wrong option value that can only be found once something is loaded (a --mask-label the model
/// does not have): reported as the command line's own errors are, "error: ... (see --help)", exit 2.
/// </summary>
public sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }
}
