using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>
/// OpenCV's highgui windows, checked and thread-safe. Every call first checks for a display
/// (<see cref="HasDisplay"/>) and throws <see cref="DisplayUnavailableException"/> without one,
/// before the GUI back-end is touched. All calls run on one background thread: GTK (and Qt) tie
/// windows to the thread that created them, so funnelling lets any caller thread use windows.
/// </summary>
public static partial class GuiWindows
{
    private static readonly BlockingCollection<Action> Queue = new();
    private static readonly Lazy<Thread> GuiThread = new(StartThread);
    private static readonly HashSet<string> OpenWindows = []; // windows made and not destroyed; GUI thread only

    /// <summary>True when an X11 or Wayland display is set (always true off Linux).</summary>
    public static bool HasDisplay =>
        !OperatingSystem.IsLinux() || IsSet("DISPLAY") || IsSet("WAYLAND_DISPLAY");

    /// <summary>Opens (or raises) a window named <paramref name="name"/>.</summary>
    public static void Open(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Invoke(() =>
        {
            Cv2.NamedWindow(name);
            OpenWindows.Add(name);
            return 0;
        }, name);
    }

    /// <summary>Closes every window.</summary>
    public static void DestroyAll() => Invoke(() =>
    {
        Cv2.DestroyAllWindows();
        OpenWindows.Clear();
        return 0;
    }, null);

    public static void Show(string name, Mat image)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(image);
        Invoke(() =>
        {
            Cv2.ImShow(name, image);
            OpenWindows.Add(name);
            return 0;
        }, name);
    }

    /// <summary>Pumps GUI events for up to <paramref name="delayMs"/> ms; the key pressed, or -1.</summary>
    public static int WaitKey(int delayMs) => Invoke(() => Cv2.WaitKey(delayMs), null);

    /// <summary>False once the user has closed the window (or it was never opened).</summary>
    /// <remarks>
    /// GTK answers the "visible" property with 0 even for a shown window; any property of a window
    /// that no longer exists is -1, so asking for one tells whether the user closed it (GTK still
    /// answers for a window destroyed through OpenCV, so those are tracked here). A window the user
    /// closed is forgotten at once: GTK has destroyed it, and OpenCV logs an error for every later
    /// call that names it (<see cref="Destroy"/> then has nothing to do).
    /// </remarks>
    public static bool IsVisible(string name) => Invoke(() =>
    {
        if (!OpenWindows.Contains(name))
        {
            return false;
        }

        if (Cv2.GetWindowProperty(name, WindowPropertyFlags.AutoSize) >= 0)
        {
            return true;
        }

        OpenWindows.Remove(name);
        return false;
    }, name);

    /// <summary>Closes the window; nothing when it is not open (never opened, or closed by the user).</summary>
    public static void Destroy(string name) => Invoke(() =>
    {
        // OpenCV prints "Can't destroy non-registered window" for a window GTK already destroyed.
        if (OpenWindows.Remove(name))
        {
            Cv2.DestroyWindow(name);
        }

        return 0;
    }, name);


    private static T Invoke<T>(Func<T> call, string? window)
    {
        if (!HasDisplay)
        {
            throw new DisplayUnavailableException("no display (DISPLAY is not set): run with --no-window, or under Xvfb");
        }

        T Guarded()
        {
            try
            {
                return call();
            }
            catch (OpenCVException e)
            {
                throw new DisplayUnavailableException(window is null ? $"window: {e.Message}" : $"window '{window}': {e.Message}");
            }
        }

        var thread = GuiThread.Value;
        if (Thread.CurrentThread == thread)
        {
            return Guarded();
        }

        T result = default!;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        Queue.Add(() =>
        {
            try
            {
                result = Guarded();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        error?.Throw();
        return result;
    }

    // The C library's environment, which GTK reads: .NET keeps its own copy, made at start-up.
    private static bool IsSet(string name)
    {
        var value = getenv(name);
        return value != IntPtr.Zero && Marshal.ReadByte(value) != 0;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);

    private static Thread StartThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var work in Queue.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true, // never keeps the process alive
            Name = "OpenCV GUI",
        };
        thread.Start();
        return thread;
    }
}
