namespace MaskTrainer.Onnx;

/// <summary>An ONNX network could not be loaded or run; the message is one line naming the model file.</summary>
public sealed class OnnxNetException : Exception
{
    public OnnxNetException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
