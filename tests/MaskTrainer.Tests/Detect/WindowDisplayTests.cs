using System.Diagnostics;
using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Output;
using MaskTrainer.Detect.Rendering;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Tests.Imaging;

namespace MaskTrainer.Tests.Detect;

/// <summary>Window tests share the OpenCV bridge's collection: DISPLAY is process-wide, and Qt binds to one display per process.</summary>
[Collection(HighGuiCollection.Name)]
public sealed class WindowDisplayTests
{
    [ScreenshotFact]
    public void The_annotated_frame_appears_on_screen_and_goes_away_when_disposed()
    {
        var xvfb = XvfbServer.Shared!;
        using var env = new NativeEnvironment().Set("DISPLAY", xvfb.Display).Set("WAYLAND_DISPLAY", null);
        using var packet = DetectTestFrames.Packet(320, 240,
            (new Rect(40, 60, 100, 100), true, FaceAlerts.None),
            (new Rect(190, 60, 100, 100), false, FaceAlerts.None));

        var sink = new DetectorSink(new OverlayRenderer(["with_mask", "without_mask"]), window: new WindowDisplay());
        int green = 0, red = 0;
        try
        {
            sink.Write(packet, 30).Should().BeTrue("nobody pressed a key");

            // The window maps asynchronously: pump events until the boxes are on screen.
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(10))
            {
                GuiWindows.WaitKey(50);
                using var screen = Screenshot.Capture(xvfb.Display);
                green = Screenshot.CountColour(screen, 0, 255, 0);
                red = Screenshot.CountColour(screen, 0, 0, 255);
                if (green > 500 && red > 500)
                {
                    break;
                }
            }
        }
        finally
        {
            sink.Dispose();
        }

        // Box outlines are 2 px x 4 sides x ~100 px = ~800 px each, plus the label bars.
        green.Should().BeGreaterThan(500, "the masked face's green box and label are on screen");
        red.Should().BeGreaterThan(500, "the unmasked face's red box and label are on screen");

        GuiWindows.WaitKey(50);
        using var after = Screenshot.Capture(xvfb.Display);
        Screenshot.CountColour(after, 0, 255, 0).Should().BeLessThan(50, "the window is gone after Dispose");
    }

    [Fact]
    public void Only_q_and_Esc_quit()
    {
        WindowDisplay.IsQuitKey('q').Should().BeTrue();
        WindowDisplay.IsQuitKey('Q').Should().BeTrue();
        WindowDisplay.IsQuitKey(27).Should().BeTrue();
        WindowDisplay.IsQuitKey(0x100000 | 'q').Should().BeTrue("modifier bits are ignored");
        WindowDisplay.IsQuitKey(-1).Should().BeFalse();
        WindowDisplay.IsQuitKey('a').Should().BeFalse();
        WindowDisplay.IsQuitKey(13).Should().BeFalse();
    }
}
