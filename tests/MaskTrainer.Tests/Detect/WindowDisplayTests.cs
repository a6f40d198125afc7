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
    public void A_frame_larger_than_the_screen_is_shown_scaled_to_fit_keeping_its_aspect_ratio()
    {
        WindowDisplay.FitSize(new Size(1280, 720), new Size(1920, 1080)).Should().Be(new Size(1280, 720), "it fits: shown as it is");
        WindowDisplay.FitSize(new Size(8000, 6000), new Size(1920, 1080)).Should().Be(new Size(1224, 918));
        WindowDisplay.FitSize(new Size(3840, 2160), new Size(1920, 1080)).Should().Be(new Size(1632, 918));
        WindowDisplay.FitSize(new Size(8000, 6000), null).Should().Be(new Size(1200, 900), "the screen's size unknown: 1600 x 900 at most");
        WindowDisplay.FitSize(new Size(1600, 900), null).Should().Be(new Size(1600, 900));
    }

    [XvfbFact]
    public void A_photo_larger_than_the_screen_opens_a_window_that_fits_on_it()
    {
        var xvfb = XvfbServer.Shared!; // 800 x 600
        using var env = new NativeEnvironment().Set("DISPLAY", xvfb.Display).Set("WAYLAND_DISPLAY", null);
        using var frame = new Mat(3000, 4000, MatType.CV_8UC3, new Scalar(0, 255, 0));
        using var x = new XClient(xvfb.Display);
        var window = new WindowDisplay();
        (int Width, int Height) size = default;
        try
        {
            window.Show(frame);
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(10) && size.Width == 0)
            {
                GuiWindows.WaitKey(20);
                var id = x.Find("MaskTrainer detector");
                size = id == 0 ? default : x.SizeOf(id);
            }

            window.Show(frame).Should().BeTrue(); // a second frame of the same size reuses the scaled buffer
        }
        finally
        {
            window.Dispose();
        }

        window.ShownSize.Should().Be(new Size(680, 510));
        size.Width.Should().BeInRange(1, 800, "the window fits on the 800 x 600 screen");
        size.Height.Should().BeInRange(1, 600);
        ((double)size.Width / size.Height).Should().BeApproximately(4 / 3.0, 0.05, "the picture keeps its aspect ratio");
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
