using System.ComponentModel;
using System.Diagnostics;
using MaskTrainer.Imaging;
using OpenCvSharp;

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

            return ImageCodec.Read(path);
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
