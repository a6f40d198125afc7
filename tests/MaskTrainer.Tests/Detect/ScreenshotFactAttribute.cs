using MaskTrainer.Tests.Imaging;

namespace MaskTrainer.Tests.Detect;

/// <summary>Skips unless Xvfb and ImageMagick's import are installed (and the shared data, when named).</summary>
public sealed class ScreenshotFactAttribute : FactAttribute
{
    /// <param name="sharedData">A path under ../shared the test also needs, or null.</param>
    public ScreenshotFactAttribute(string? sharedData = null)
    {
        if (sharedData is not null && SharedData.SkipReason(sharedData) is { } missing)
        {
            Skip = missing;
        }
        else if (!XvfbServer.IsInstalled)
        {
            Skip = "Xvfb is not installed (apt install xvfb); window tests need a virtual X display";
        }
        else if (!Screenshot.IsAvailable)
        {
            Skip = "ImageMagick's import is not installed (apt install imagemagick); the window test checks a screenshot";
        }
    }
}
