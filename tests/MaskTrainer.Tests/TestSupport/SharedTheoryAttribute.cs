namespace MaskTrainer.Tests.TestSupport;

/// <summary>A theory that skips, naming what is missing, unless the shared folder and every named path in it exist.</summary>
internal sealed class SharedTheoryAttribute : TheoryAttribute
{
    /// <param name="paths">Files or folders relative to the shared folder that the test needs, e.g. "data/faces-dlib".</param>
    public SharedTheoryAttribute(params string[] paths)
    {
        Skip = SharedData.SkipReason(paths);
    }
}
