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
public static unsafe partial class GuiWindows
{
    private static readonly BlockingCollection<Action> Queue = new();
    private static readonly Lazy<Thread> GuiThread = new(StartThread);
    private static readonly HashSet<string> OpenWindows = []; // windows made and not destroyed; GUI thread only
    private static readonly Lock ProbeLock = new();
    private static (string? X, string? Wayland, string? Runtime) _probed = ("", "", ""); // never the environment's values
    private static DisplayCheck _check;
    private static (IntPtr X, IntPtr Wayland, IntPtr Runtime) _probedAt = (-1, -1, -1); // never a real address
    private static bool _handlerInstalled; // GUI thread only
    private static int _exiting; // 1 once a thread has claimed the process's exit (Exit)

    /// <summary>
    /// True when an X11 or Wayland display is set and answers (always true off Linux). A display
    /// that is set but does not answer (a stale DISPLAY in an SSH session or a container) is no
    /// display: GTK would fail on it. Checked once per value of DISPLAY / WAYLAND_DISPLAY.
    /// </summary>
    public static bool HasDisplay => DisplayProblem is null;

    /// <summary>
    /// Why no window can be shown, e.g. "no display (DISPLAY is not set)" or "the display
    /// cannot be reached (DISPLAY=:55)"; null when one can.
    /// </summary>
    public static string? DisplayProblem => Check().Problem;

    /// <summary>The X screen's size in pixels, when known (null on Wayland or without libX11).</summary>
    public static Size? ScreenSize => Check().Screen;

    /// <summary>
    /// Runs when the connection to the X display breaks in a window call (the X server ended,
    /// the SSH tunnel dropped), with the display's name; returns the process's exit code. Runs on
    /// the thread that makes the window calls, inside Xlib, while the thread that asked for the
    /// call waits for it. The process ends right after it returns (Xlib allows nothing else), so it
    /// must finish what must not be lost and say what happened; it must not make window calls.
    /// Without it the process prints "error: the display was lost (DISPLAY=…)" and ends with 1.
    /// </summary>
    public static Func<string, int>? DisplayLost { get; set; }

    /// <summary>Opens (or raises) a window named <paramref name="name"/>.</summary>
    public static void Open(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Invoke(() =>
        {
            Cv2.NamedWindow(name);
            OpenWindows.Add(name);
            InstallDisplayLostHandler();
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
            InstallDisplayLostHandler();
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

    /// <summary>
    /// Ends the process with <paramref name="exitCode"/> (<see cref="Environment.Exit"/>), from
    /// the GUI thread once windows were used: exit() runs OpenCV's C++ exit handlers, which destroy
    /// its windows through GTK. Run on another thread while the GUI thread was in a window call
    /// (a window held open waits in WaitKey), GTK was used from two threads at once: the process
    /// crashed ("free(): corrupted unsorted chunks", SIGSEGV in waitKey) or OpenCV's window list
    /// was gone before the window's own Destroy ("Can't destroy non-registered window").
    /// Never returns. When the GUI thread does not take the call within <paramref name="wait"/>
    /// (stuck in a window call) the process ends from this thread, as before.
    /// </summary>
    public static void Exit(int exitCode, TimeSpan wait)
    {
        if (GuiThread.IsValueCreated && Thread.CurrentThread != GuiThread.Value)
        {
            Queue.Add(() => ExitOnce(exitCode));
            Thread.Sleep(wait);
        }

        ExitOnce(exitCode);
        Thread.Sleep(Timeout.Infinite); // the GUI thread is ending the process
    }

    /// <summary><see cref="Exit(int, TimeSpan)"/> with up to a second for the GUI thread (a window call takes at most 50 ms).</summary>
    public static void Exit(int exitCode) => Exit(exitCode, TimeSpan.FromSeconds(1));

    // One thread ends the process: a second Environment.Exit would run the exit handlers again.
    private static void ExitOnce(int exitCode)
    {
        if (Interlocked.Exchange(ref _exiting, 1) == 0)
        {
            Environment.Exit(exitCode);
        }
    }

    private static T Invoke<T>(Func<T> call, string? window)
    {
        if (DisplayProblem is { } problem)
        {
            throw new DisplayUnavailableException($"{problem}: run with --no-window, or under Xvfb");
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

    private readonly record struct DisplayCheck(string? Problem, Size? Screen);

    private static DisplayCheck Check()
    {
        if (!OperatingSystem.IsLinux())
        {
            return default;
        }

        // Every window call (three a frame) asks: the variables' addresses tell whether they changed
        // (setenv makes a new string, and glibc never frees the old one), so strings are made and
        // the display probed only when one did.
        var raw = (getenv("DISPLAY"), getenv("WAYLAND_DISPLAY"), getenv("XDG_RUNTIME_DIR"));
        lock (ProbeLock)
        {
            if (raw == _probedAt)
            {
                return _check;
            }

            var key = (Get("DISPLAY"), Get("WAYLAND_DISPLAY"), Get("XDG_RUNTIME_DIR"));
            if (key != _probed)
            {
                _check = Probe(key.Item1, key.Item2, key.Item3);
                _probed = key;
            }

            _probedAt = raw;
            return _check;
        }
    }

    // GTK tries Wayland, then X11: either one answering is enough. An XOpenDisplay (or a connect
    // to the Wayland socket) is a millisecond; GTK's own failure comes later, as an error that
    // ends the run ("Can't initialize GTK backend").
    private static DisplayCheck Probe(string? x, string? wayland, string? runtimeDir)
    {
        if (x is null && wayland is null)
        {
            return new DisplayCheck("no display (DISPLAY is not set)", null);
        }

        if (x is not null)
        {
            if (!X11.IsAvailable)
            {
                return default; // cannot tell without Xlib: let GTK try
            }

            if (X11.Probe() is { } screen)
            {
                return new DisplayCheck(null, new Size(screen.Width, screen.Height));
            }
        }

        if (wayland is not null && WaylandAnswers(wayland, runtimeDir))
        {
            return default;
        }

        var names = x is null ? $"WAYLAND_DISPLAY={wayland}"
            : wayland is null ? $"DISPLAY={x}"
            : $"DISPLAY={x}, WAYLAND_DISPLAY={wayland}";
        return new DisplayCheck($"the display cannot be reached ({names})", null);
    }

    // libwayland-client's rule: an absolute WAYLAND_DISPLAY is the socket, else it is under XDG_RUNTIME_DIR.
    private static bool WaylandAnswers(string name, string? runtimeDir)
    {
        var path = Path.IsPathRooted(name) ? name : runtimeDir is null ? null : Path.Combine(runtimeDir, name);
        if (path is null)
        {
            return false;
        }

        try
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    // GDK installs its own handler when it opens the display (it prints nothing useful here and
    // calls _exit(1)): ours replaces it once the first window call has opened the display.
    private static void InstallDisplayLostHandler()
    {
        if (_handlerInstalled || !OperatingSystem.IsLinux() || Get("DISPLAY") is null || !X11.IsAvailable)
        {
            return;
        }

        X11.SetIOErrorHandler(&OnDisplayLost);
        _handlerInstalled = true;
    }

    // Xlib calls this when the connection breaks and ends the process if it returns, so the
    // process ends here, with _exit: exit() would run OpenCV's static destructors, which destroy
    // the GTK windows over the broken connection. Nothing may unwind into Xlib's frames.
    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static int OnDisplayLost(IntPtr display)
    {
        int code = 1;
        string name = "?";
        try
        {
            name = X11.NameOf(display) ?? Get("DISPLAY") ?? "?";
            if (DisplayLost is { } lost)
            {
                code = lost(name);
            }
            else
            {
                Console.Error.WriteLine($"error: the display was lost (DISPLAY={name})");
            }

            Console.Out.Flush();
            Console.Error.Flush();
        }
        catch (Exception)
        {
            // The process ends below either way; an exception cannot cross Xlib's frames. The
            // handler failed before it could say what it kept: at least say what happened.
            try
            {
                Console.Error.WriteLine($"error: the display was lost (DISPLAY={name}); the output may be incomplete");
                Console.Error.Flush();
            }
            catch (Exception)
            {
                // stderr is gone too: nothing more can be said.
            }
        }

        _exit(code);
        return code;
    }

    // The C library's environment, which GTK reads: .NET keeps its own copy, made at start-up.
    private static string? Get(string name)
    {
        var value = getenv(name);
        return value == IntPtr.Zero || Marshal.ReadByte(value) == 0 ? null : Marshal.PtrToStringUTF8(value);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);

    [LibraryImport("libc")]
    private static partial void _exit(int status);

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
