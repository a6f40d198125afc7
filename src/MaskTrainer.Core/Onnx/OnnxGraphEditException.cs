using MaskTrainer.Models;

namespace MaskTrainer.Onnx;

/// <summary>An ONNX graph could not be edited (unknown output name, not an ONNX model, ...); the message is one line naming the model file. A <see cref="ModelException"/>, so the apps report it in one line.</summary>
public sealed class OnnxGraphEditException : ModelException
{
    public OnnxGraphEditException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
