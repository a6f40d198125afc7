namespace MaskTrainer.Models;

/// <summary>Thrown when a model id is not in the catalog; the message lists the known ids.</summary>
public sealed class UnknownModelException : ModelException
{
    /// <summary>Creates the exception for <paramref name="id"/>.</summary>
    public UnknownModelException(string id, IEnumerable<string> knownIds)
        : base($"unknown model '{id}'; known: {string.Join(", ", knownIds)}")
    {
        Id = id;
    }

    /// <summary>The id that was asked for.</summary>
    public string Id { get; }
}
