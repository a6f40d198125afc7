using System.ComponentModel;
using System.Diagnostics;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

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
            GuiWindows.HasDisplay.Should().BeTrue(); // Windows and macOS always have a desktop
            return;
        }

        using var env = new NativeEnvironment().Set("DISPLAY", null).Set("WAYLAND_DISPLAY", null);
        using var image = new Mat(8, 8, MatType.CV_8UC3, Scalar.All(0));

        GuiWindows.HasDisplay.Should().BeFalse();

        var error = Assert.Throws<DisplayUnavailableException>(() => GuiWindows.Show(Window, image));
        error.Message.Should().Be("no display (DISPLAY is not set): run with --no-window, or under Xvfb");
        Assert.Throws<DisplayUnavailableException>(() => GuiWindows.Open(Window));
        Assert.Throws<DisplayUnavailableException>(() => GuiWindows.WaitKey(1));
        Assert.Throws<DisplayUnavailableException>(() => GuiWindows.IsVisible(Window));
        Assert.Throws<DisplayUnavailableException>(() => GuiWindows.Destroy(Window));
        Assert.Throws<DisplayUnavailableException>(GuiWindows.DestroyAll);
    }

    [Fact]
    public void A_display_that_is_set_but_does_not_answer_is_no_display()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // A stale DISPLAY (an SSH session's forwarded display, a container's): GTK would fail on it.
        var unused = Enumerable.Range(4900, 50).First(n => !File.Exists($"/tmp/.X11-unix/X{n}"));
        using var env = new NativeEnvironment().Set("DISPLAY", $":{unused}").Set("WAYLAND_DISPLAY", null);
        using var image = new Mat(8, 8, MatType.CV_8UC3, Scalar.All(0));

        GuiWindows.HasDisplay.Should().BeFalse();
        GuiWindows.DisplayProblem.Should().Be($"the display cannot be reached (DISPLAY=:{unused})");
        Assert.Throws<DisplayUnavailableException>(() => GuiWindows.Show(Window, image)).Message
            .Should().Be($"the display cannot be reached (DISPLAY=:{unused}): run with --no-window, or under Xvfb");

        env.Set("DISPLAY", null).Set("WAYLAND_DISPLAY", "mt-no-such-wayland-socket");
        GuiWindows.DisplayProblem.Should().Be("the display cannot be reached (WAYLAND_DISPLAY=mt-no-such-wayland-socket)");
    }

    [Fact]
    public void A_Wayland_socket_that_accepts_is_a_display()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var temp = new TempFolder();
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(temp.File("wayland-mt")));
        listener.Listen(1);
        using var env = new NativeEnvironment().Set("DISPLAY", null).Set("WAYLAND_DISPLAY", "wayland-mt").Set("XDG_RUNTIME_DIR", temp.Path);

        GuiWindows.DisplayProblem.Should().BeNull("a compositor listens on $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY");
        GuiWindows.HasDisplay.Should().BeTrue();
    }

    [XvfbFact]
    public async Task Shows_a_window_under_Xvfb_from_any_thread()
    {
        var xvfb = XvfbServer.Shared!;
        using var env = new NativeEnvironment().Set("DISPLAY", xvfb.Display).Set("WAYLAND_DISPLAY", null);
        using var image = ImageDecodeTests.Gradient(160, 120);

        GuiWindows.HasDisplay.Should().BeTrue();
        GuiWindows.Open(Window);
        GuiWindows.Show(Window, image);
        GuiWindows.WaitKey(50).Should().Be(-1); // nobody types on a virtual display
        GuiWindows.IsVisible(Window).Should().BeTrue();
        MapState(xvfb.Display).Should().BeOneOf("IsViewable", "unchecked");

        // Another thread: GTK windows belong to the thread that made them; GuiWindows runs every call on one.
        await Task.Run(() =>
        {
            GuiWindows.Show(Window, image);
            GuiWindows.WaitKey(10);
        }).WaitAsync(TimeSpan.FromSeconds(10));

        GuiWindows.Destroy(Window);
        GuiWindows.WaitKey(10);
        GuiWindows.IsVisible(Window).Should().BeFalse();
        MapState(xvfb.Display).Should().NotBe("IsViewable");
        GuiWindows.DestroyAll();
        GuiWindows.WaitKey(1);
    }

    [XvfbFact]
    public void A_window_the_user_closed_is_not_destroyed_again_so_OpenCV_logs_no_error()
    {
        const string name = "mt-closed-by-user";
        var xvfb = XvfbServer.Shared!;
        using var env = new NativeEnvironment().Set("DISPLAY", xvfb.Display).Set("WAYLAND_DISPLAY", null);
        using var image = ImageDecodeTests.Gradient(160, 120);
        using var x = new XClient(xvfb.Display);
        GuiWindows.Show(name, image);
        ulong window = 0;
        var sw = Stopwatch.StartNew();
        while (window == 0 && sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            GuiWindows.WaitKey(20);
            window = x.Find(name);
        }

        window.Should().NotBe(0UL, "the window is on the display");
        x.RequestClose(window); // the title bar's close button
        bool visible = true;
        while (visible && sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            GuiWindows.WaitKey(20);
            visible = GuiWindows.IsVisible(name);
        }

        visible.Should().BeFalse("the user closed it");
        // OpenCV's errors shown, whatever level a training app run in this process left (silent).
        var level = Cv2.GetLogLevel();
        Cv2.SetLogLevel(OpenCvSharp.LogLevel.ERROR);
        string logged;
        try
        {
            logged = NativeStderr.Capture(() =>
            {
                GuiWindows.Destroy(name); // as WindowDisplay.Dispose does after every run
                GuiWindows.WaitKey(1);
            });
        }
        finally
        {
            Cv2.SetLogLevel(level);
        }

        logged.Should().NotContain("non-registered window").And.NotContain("ERROR");
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
