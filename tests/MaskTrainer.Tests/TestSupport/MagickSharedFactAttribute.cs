namespace MaskTrainer.Tests.TestSupport;

/// <summary>Skips, saying why, unless ImageMagick's convert is installed and the shared data the test names is there.</summary>
internal sealed class MagickSharedFactAttribute : FactAttribute
{
    /// <param name="paths">Files or folders relative to the shared folder that the test needs.</param>
    public MagickSharedFactAttribute(params string[] paths)
    {
        Skip = SharedData.SkipReason(paths)
            ?? (File.Exists("/usr/bin/convert") || File.Exists("/usr/local/bin/convert") ? null
                : "ImageMagick's convert is not installed (apt install imagemagick, in test.sh's list); the test makes its files with it");
    }
}
