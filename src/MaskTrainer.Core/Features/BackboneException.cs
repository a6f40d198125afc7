using MaskTrainer.Models;

namespace MaskTrainer.Features;

/// <summary>
/// A backbone cannot be used for featurizing: wrong role or format, its feature layer is missing
/// or gives an unexpected size, or a file is not the one the spec names. One-line message that
/// names the file and the problem.
/// </summary>
public sealed class BackboneException : ModelException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public BackboneException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
