using MaskTrainer.Models;

namespace MaskTrainer.Onnx;

/// <summary>An ONNX network could not be loaded or run; the message is one line naming the model file. A <see cref="ModelException"/>, so the apps report it in one line.</summary>
public sealed class OnnxNetException : ModelException
{
    public OnnxNetException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
