using System.ComponentModel;
using System.Diagnostics;
using MaskTrainer.OpenCv;

namespace MaskTrainer.Tests.Detect;

/// <summary>Grabs the whole X screen with ImageMagick's `import` (apt: imagemagick) into a Mat, for window tests under Xvfb.</summary>
internal static class Screenshot
{
    public static bool IsAvailable => OperatingSystem.IsLinux() && (File.Exists("/usr/bin/import") || File.Exists("/usr/local/bin/import"));

    /// <summary>The screen of <paramref name="display"/> as a BGR image.</summary>
    public static Mat Capture(string display)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mt-screen-{Guid.NewGuid():N}.png");
        try
        {
            var info = new ProcessStartInfo("import", ["-display", display, "-window", "root", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start import");
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(15_000))
            {
                process.Kill();
                throw new TimeoutException("import did not finish in 15 s");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"import failed ({process.ExitCode}): {error.Result}");
            }

            return Cv2.ImRead(path);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("ImageMagick's import is not installed (apt install imagemagick)", e);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Pixels close to <paramref name="b"/>, <paramref name="g"/>, <paramref name="r"/> (within <paramref name="tolerance"/> per channel).</summary>
    public static int CountColour(Mat image, byte b, byte g, byte r, int tolerance = 40)
    {
        var bytes = image.GetBytes();
        int n = 0;
        for (int i = 0; i + 2 < bytes.Length; i += 3)
        {
            if (Math.Abs(bytes[i] - b) <= tolerance && Math.Abs(bytes[i + 1] - g) <= tolerance && Math.Abs(bytes[i + 2] - r) <= tolerance)
            {
                n++;
            }
        }

        return n;
    }
}

/// <summary>Skips unless Xvfb and ImageMagick's import are installed (and the shared data, when named).</summary>
public sealed class ScreenshotFactAttribute : FactAttribute
{
    /// <param name="sharedData">A path under ../shared the test also needs, or null.</param>
    public ScreenshotFactAttribute(string? sharedData = null)
    {
        if (sharedData is not null && MaskTrainer.Tests.Data.SharedDataFactAttribute.SharedPath(sharedData) is null)
        {
            Skip = $"shared data '{sharedData}' not found (expected ../shared/{sharedData} next to the repository root)";
        }
        else if (!MaskTrainer.Tests.OpenCv.XvfbServer.IsInstalled)
        {
            Skip = "Xvfb is not installed (apt install xvfb); window tests need a virtual X display";
        }
        else if (!Screenshot.IsAvailable)
        {
            Skip = "ImageMagick's import is not installed (apt install imagemagick); the window test checks a screenshot";
        }
    }
}
