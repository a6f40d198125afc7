using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Output;

/// <summary>
/// The preview window. q, Q or Esc quits, as does closing the window. All calls go through
/// the OpenCV bridge's GUI thread, so any thread may use it; create it only when
/// <see cref="GuiWindows.HasDisplay"/> is true.
/// </summary>
public sealed class WindowDisplay : IDisposable
{
    /// <summary>The window title.</summary>
    public const string Title = "MaskTrainer detector (q or Esc to quit)";

    private bool _shown;

    /// <summary>Frames shown so far.</summary>
    public long FramesShown { get; private set; }

    /// <summary>Shows a frame and polls the keyboard; false when the user asked to quit.</summary>
    public bool Show(Mat frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        GuiWindows.Show(Title, frame);
        _shown = true;
        FramesShown++;
        return !IsQuitKey(GuiWindows.WaitKey(1)) && GuiWindows.IsVisible(Title);
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
    }

    /// <summary>q, Q or Esc (the key code may carry modifier bits above the low byte).</summary>
    public static bool IsQuitKey(int key) => key >= 0 && (key & 0xFF) is (int)'q' or (int)'Q' or 27;
}
