namespace MaskTrainer.Models;

/// <summary>Thrown when a catalog file cannot be read or an entry is malformed; the message names the catalog and the entry.</summary>
public sealed class ModelCatalogException : ModelException
{
    /// <summary>Creates the exception.</summary>
    public ModelCatalogException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
