namespace MaskTrainer.Faces;

/// <summary>Thrown by <see cref="FaceDetectors.Create"/> for an id it does not know; the message lists the ids.</summary>
public sealed class UnknownFaceDetectorException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="id"/>.</summary>
    public UnknownFaceDetectorException(string id, IEnumerable<string> knownIds)
        : base($"unknown face detector '{id}'; known: {string.Join(", ", knownIds)}")
    {
        Id = id;
    }

    /// <summary>The id that was asked for.</summary>
    public string Id { get; }
}
