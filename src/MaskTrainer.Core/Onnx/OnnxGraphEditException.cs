namespace MaskTrainer.Onnx;

/// <summary>An ONNX graph could not be edited (unknown output name, not an ONNX model, ...); the message is one line naming the model file.</summary>
public sealed class OnnxGraphEditException : Exception
{
    public OnnxGraphEditException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
