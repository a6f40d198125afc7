namespace MaskTrainer.Tests.TestSupport;

/// <summary>A fact that skips, naming what is missing, unless the shared folder and every named path in it exist.</summary>
internal sealed class SharedFactAttribute : FactAttribute
{
    /// <param name="paths">Files or folders relative to the shared folder that the test needs, e.g. "models/x.onnx".</param>
    public SharedFactAttribute(params string[] paths)
    {
        Skip = SharedData.SkipReason(paths);
    }
}
