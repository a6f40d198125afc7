using MaskTrainer.Imaging;
using MaskTrainer.Reporting;
using OpenCvSharp;

namespace MaskTrainer.Detect.Output;

/// <summary>
/// The preview window. q, Q or Esc quits, as does closing the window. All calls go through
/// the OpenCV bridge's GUI thread, so any thread may use it; create it only when
/// <see cref="GuiWindows.HasDisplay"/> is true. When the display goes away mid-run (the X server
/// ended, an SSH connection dropped) the process ends inside the window call that noticed
/// (<see cref="GuiWindows.DisplayLost"/>): <see cref="KeepOnDisplayLost"/> finishes the recording
/// first, then one line says what was kept and the exit code is <see cref="Cli.ExitCodes.DisplayLost"/>.
/// </summary>
public sealed class WindowDisplay : IDisposable
{
    /// <summary>The window title.</summary>
    public const string Title = "MaskTrainer detector (q or Esc to quit)";

    /// <summary>The room for a frame when the screen's size is unknown (Wayland): frames larger are shown scaled down.</summary>
    public static readonly Size DefaultRoom = new(1600, 900);

    private readonly TextWriter _errors;
    private readonly Mat _scaled = new(); // the shown copy of a frame too large for the screen, reused frame to frame
    private Size _frameSize;
    private Size _shownSize;
    private readonly Func<string, int> _onDisplayLost;
    private bool _shown;

    /// <param name="errors">Where the line about a lost display goes (the app's stderr).</param>
    public WindowDisplay(TextWriter? errors = null)
    {
        _errors = errors ?? Console.Error;
        _onDisplayLost = OnDisplayLost;
    }

    /// <summary>
    /// Finishes what must not be lost when the display goes away mid-run (the recording) and says
    /// what was kept ("the recording up to frame 41 was kept in out.mp4"), or null. Runs on the
    /// GUI thread while the thread that made the window call waits in it; the process ends right after.
    /// </summary>
    public Func<string?>? KeepOnDisplayLost { get; set; }

    /// <summary>Frames shown so far.</summary>
    public long FramesShown { get; private set; }

    /// <summary>Shows a frame and polls the keyboard; false when the user asked to quit.</summary>
    public bool Show(Mat frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        GuiWindows.DisplayLost = _onDisplayLost; // before the first window call: GTK may lose the display in any
        GuiWindows.Show(Title, Fit(frame));
        _shown = true;
        FramesShown++;
        return !IsQuitKey(GuiWindows.WaitKey(1)) && GuiWindows.IsVisible(Title);
    }

    /// <summary>The size the last frame was shown at.</summary>
    public Size ShownSize => _shownSize;

    /// <summary>
    /// The size a frame is shown at: its own when it fits on <paramref name="screen"/> (less room for
    /// a title bar and panels), else scaled down to fit, keeping its aspect ratio. An 8000 x 6000
    /// photo in a window of its own size would reach far off the screen.
    /// </summary>
    public static Size FitSize(Size frame, Size? screen)
    {
        var room = screen is { Width: > 0, Height: > 0 } s ? new Size(s.Width * 9 / 10, s.Height * 85 / 100) : DefaultRoom;
        double f = Math.Min((double)room.Width / frame.Width, (double)room.Height / frame.Height);
        return f >= 1 ? frame : new Size(Math.Max(1, (int)(frame.Width * f)), Math.Max(1, (int)(frame.Height * f)));
    }

    // The window is AUTOSIZE (the size of the image shown): a frame too large is scaled into a buffer
    // reused while the frame size stays (a video's), so showing allocates no image per frame.
    private Mat Fit(Mat frame)
    {
        var size = frame.Size();
        if (size != _frameSize)
        {
            _frameSize = size;
            _shownSize = FitSize(size, GuiWindows.ScreenSize);
        }

        if (_shownSize == size)
        {
            return frame;
        }

        // A video frame a little too large (1080p on a 1080p screen) is scaled every frame: bilinear,
        // OpenCV's fast path, costs a fraction of area averaging. A photo shrunk to under half its
        // size is shown once: area averaging then keeps the overlay's lines and text from aliasing.
        var interpolation = _shownSize.Width * 2 >= size.Width ? InterpolationFlags.Linear : InterpolationFlags.Area;
        Cv2.Resize(frame, _scaled, _shownSize, 0, 0, interpolation);
        return _scaled;
    }

    /// <summary>Keeps the last frame on screen until a quit key, the window is closed, or <paramref name="cancel"/> fires.</summary>
    /// <returns>True when <paramref name="cancel"/> ended the wait (Ctrl+C), false for a key or a closed window.</returns>
    public bool Hold(CancellationToken cancel)
    {
        while (_shown && !cancel.IsCancellationRequested)
        {
            if (IsQuitKey(GuiWindows.WaitKey(50)) || !GuiWindows.IsVisible(Title))
            {
                return false;
            }
        }

        return _shown;
    }

    public void Dispose()
    {
        _scaled.Dispose();
        if (!_shown)
        {
            return;
        }

        _shown = false;
        try
        {
            GuiWindows.Destroy(Title);
            GuiWindows.WaitKey(1); // lets the GUI back-end actually unmap the window
        }
        catch (ImagingException)
        {
            // Already closed by the user: nothing left to clean up.
        }
        finally
        {
            if (GuiWindows.DisplayLost == _onDisplayLost)
            {
                GuiWindows.DisplayLost = null;
            }
        }
    }

    // One line, then the exit code: GuiWindows ends the process with it.
    private int OnDisplayLost(string display)
    {
        string? kept;
        try
        {
            kept = KeepOnDisplayLost?.Invoke();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ImagingException)
        {
            kept = e.Message; // e.g. "out.mp4: the video could not be written whole (...)"
        }

        _errors.WriteLine(kept is null ? $"error: the display was lost (DISPLAY={display})" : $"error: the display was lost (DISPLAY={display}); {HumanText.Escape(kept)}");
        _errors.Flush();
        return Cli.ExitCodes.DisplayLost;
    }

    /// <summary>q, Q or Esc (the key code may carry modifier bits above the low byte).</summary>
    public static bool IsQuitKey(int key) => key >= 0 && (key & 0xFF) is (int)'q' or (int)'Q' or 27;
}
