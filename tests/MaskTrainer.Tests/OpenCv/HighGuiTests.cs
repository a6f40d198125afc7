using System.ComponentModel;
using System.Diagnostics;
using MaskTrainer.OpenCv;

namespace MaskTrainer.Tests.OpenCv;

/// <summary>Window tests change DISPLAY for the whole process, so they never run beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HighGuiCollection
{
    public const string Name = "OpenCv.HighGui";
}

[Collection(HighGuiCollection.Name)]
public sealed class HighGuiTests
{
    private const string Window = "mt-test";

    [Fact]
    public void Without_a_display_every_window_call_throws_instead_of_aborting()
    {
        if (!OperatingSystem.IsLinux())
        {
            Cv2.HasDisplay.Should().BeTrue(); // Windows and macOS always have a desktop
            return;
        }

        using var env = new NativeEnvironment().Set("DISPLAY", null).Set("WAYLAND_DISPLAY", null);
        using var image = new Mat(8, 8, MatType.U8C3);

        Cv2.HasDisplay.Should().BeFalse();

        var error = Assert.Throws<DisplayUnavailableException>(() => Cv2.ImShow(Window, image));
        error.Message.Should().Be("no display (DISPLAY is not set): run with --no-window, or under Xvfb");
        Assert.Throws<DisplayUnavailableException>(() => Cv2.NamedWindow(Window));
        Assert.Throws<DisplayUnavailableException>(() => Cv2.WaitKey(1));
        Assert.Throws<DisplayUnavailableException>(() => Cv2.IsWindowVisible(Window));
        Assert.Throws<DisplayUnavailableException>(() => Cv2.DestroyWindow(Window));
        Assert.Throws<DisplayUnavailableException>(Cv2.DestroyAllWindows);
    }

    [XvfbFact]
    public async Task Shows_a_window_under_Xvfb_from_any_thread()
    {
        var xvfb = XvfbServer.Shared!;
        using var env = new NativeEnvironment().Set("DISPLAY", xvfb.Display).Set("WAYLAND_DISPLAY", null);
        using var image = ImageDecodeTests.Gradient(160, 120);

        Cv2.HasDisplay.Should().BeTrue();
        Cv2.NamedWindow(Window);
        Cv2.ImShow(Window, image);
        Cv2.WaitKey(50).Should().Be(-1); // nobody types on a virtual display
        Cv2.IsWindowVisible(Window).Should().BeTrue();
        MapState(xvfb.Display).Should().BeOneOf("IsViewable", "unchecked");

        // Another thread: Qt alone would deadlock here; the bridge runs all GUI calls on one thread.
        await Task.Run(() =>
        {
            Cv2.ImShow(Window, image);
            Cv2.WaitKey(10);
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Cv2.DestroyWindow(Window);
        Cv2.WaitKey(10);
        Cv2.IsWindowVisible(Window).Should().BeFalse();
        MapState(xvfb.Display).Should().NotBe("IsViewable");
        Cv2.DestroyAllWindows();
        Cv2.WaitKey(1);
    }

    /// <summary>The X map state of the test window as xwininfo reports it, "absent", or "unchecked" without xwininfo.</summary>
    private static string MapState(string display)
    {
        var info = new ProcessStartInfo("xwininfo", ["-display", display, "-name", Window])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            var line = output.Split('\n').FirstOrDefault(l => l.Contains("Map State:"));
            return line is null ? "absent" : line.Split(':')[1].Trim();
        }
        catch (Win32Exception)
        {
            return "unchecked";
        }
    }
}
