using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

public static partial class Cv2
{
    /// <summary>
    /// True when windows can be shown: on Linux, DISPLAY or WAYLAND_DISPLAY is set (as native
    /// code sees the environment); always true on other systems.
    /// </summary>
    public static bool HasDisplay
    {
        get
        {
            NativeError.Check(NativeMethods.mt_has_display(out var hasDisplay));
            return hasDisplay != 0;
        }
    }

    /// <summary>Creates a window sized to its image.</summary>
    public static void NamedWindow(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnsureDisplay();
        GuiThread.Invoke(() => NativeError.Check(NativeMethods.mt_named_window(name), $"window '{name}'"));
    }

    /// <summary>Shows <paramref name="image"/> in the window (created if needed); call <see cref="WaitKey"/> to paint it.</summary>
    public static void ImShow(string window, Mat image)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(image);
        EnsureDisplay();
        GuiThread.Invoke(() =>
        {
            var status = NativeMethods.mt_imshow(window, image.Handle);
            if (status != 0)
            {
                throw NativeError.Create(status, $"window '{window}'");
            }
        });
    }

    /// <summary>Runs the GUI event loop for <paramref name="delayMs"/> ms (0 = until a key); returns the key code or -1.</summary>
    public static int WaitKey(int delayMs)
    {
        EnsureDisplay();
        return GuiThread.Invoke(() =>
        {
            NativeError.Check(NativeMethods.mt_wait_key(delayMs, out var key));
            return key;
        });
    }

    /// <summary>True while the window exists and is shown; false once the user closed it.</summary>
    public static bool IsWindowVisible(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnsureDisplay();
        return GuiThread.Invoke(() =>
        {
            NativeError.Check(NativeMethods.mt_window_visible(name, out var visible), $"window '{name}'");
            return visible != 0;
        });
    }

    public static void DestroyWindow(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnsureDisplay();
        GuiThread.Invoke(() => NativeError.Check(NativeMethods.mt_destroy_window(name), $"window '{name}'"));
    }

    public static void DestroyAllWindows()
    {
        EnsureDisplay();
        GuiThread.Invoke(() => NativeError.Check(NativeMethods.mt_destroy_all_windows()));
    }

    /// <summary>
    /// Guards every window call: without a display Qt prints "could not connect to display" and
    /// aborts the whole process, so fail first with a typed exception.
    /// </summary>
    private static void EnsureDisplay()
    {
        if (!HasDisplay)
        {
            throw new DisplayUnavailableException("no display (DISPLAY is not set): run with --no-window, or under Xvfb");
        }
    }
}
