using System.Runtime.InteropServices;

namespace MaskTrainer.Imaging;

/// <summary>
/// The few Xlib calls the window code needs: whether a display answers, its screen size, and
/// the handler Xlib calls when the connection breaks. libX11 is loaded on first use; where it
/// is missing (no X11 at all) <see cref="IsAvailable"/> is false and nothing else is called.
/// </summary>
internal static unsafe partial class X11
{
    private const string Library = "libX11.so.6";

    private static readonly Lazy<bool> Available = new(() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad(Library, out _));

    public static bool IsAvailable => Available.Value;

    /// <summary>
    /// Connects to the display DISPLAY names and closes the connection again: its default
    /// screen's size, or null when the display cannot be opened (no server there, or not allowed).
    /// </summary>
    public static (int Width, int Height)? Probe()
    {
        var display = XOpenDisplay(IntPtr.Zero);
        if (display == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            int screen = XDefaultScreen(display);
            return (XDisplayWidth(display, screen), XDisplayHeight(display, screen));
        }
        finally
        {
            _ = XCloseDisplay(display);
        }
    }

    /// <summary>The name the connection was opened with, e.g. ":0" (reads a field: safe on a broken connection).</summary>
    public static string? NameOf(IntPtr display) => Marshal.PtrToStringUTF8(XDisplayString(display));

    /// <summary>Sets the process-wide handler Xlib calls when a connection breaks (I/O error).</summary>
    public static void SetIOErrorHandler(delegate* unmanaged[Cdecl]<IntPtr, int> handler) => XSetIOErrorHandler((IntPtr)handler);

    [LibraryImport(Library)]
    private static partial IntPtr XOpenDisplay(IntPtr name);

    [LibraryImport(Library)]
    private static partial int XCloseDisplay(IntPtr display);

    [LibraryImport(Library)]
    private static partial int XDefaultScreen(IntPtr display);

    [LibraryImport(Library)]
    private static partial int XDisplayWidth(IntPtr display, int screen);

    [LibraryImport(Library)]
    private static partial int XDisplayHeight(IntPtr display, int screen);

    [LibraryImport(Library)]
    private static partial IntPtr XDisplayString(IntPtr display);

    [LibraryImport(Library)]
    private static partial IntPtr XSetIOErrorHandler(IntPtr handler);
}
