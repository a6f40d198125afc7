using System.Runtime.InteropServices;

namespace MaskTrainer.Tests.Imaging;

/// <summary>
/// A second X client, as a window manager or a user would be: finds a top-level window by its
/// title, reads its size, and asks it to close (WM_DELETE_WINDOW, what a title bar's close
/// button sends). For window tests under Xvfb, which has no window manager.
/// </summary>
internal sealed unsafe partial class XClient : IDisposable
{
    private const string Library = "libX11.so.6";
    private readonly IntPtr _display;

    public XClient(string display)
    {
        _display = XOpenDisplay(display);
        if (_display == IntPtr.Zero)
        {
            throw new InvalidOperationException($"cannot open X display {display}");
        }
    }

    /// <summary>The top-level window whose title starts with <paramref name="title"/>, or 0.</summary>
    public ulong Find(string title)
    {
        ulong found = 0;
        if (XQueryTree(_display, XDefaultRootWindow(_display), out _, out _, out var children, out var count) == 0)
        {
            return 0;
        }

        try
        {
            for (int i = 0; i < count && found == 0; i++)
            {
                if (XFetchName(_display, children[i], out var name) != 0 && name != IntPtr.Zero)
                {
                    if (Marshal.PtrToStringUTF8(name)!.StartsWith(title, StringComparison.Ordinal))
                    {
                        found = children[i];
                    }

                    XFree(name);
                }
            }
        }
        finally
        {
            XFree((IntPtr)children);
        }

        return found;
    }

    /// <summary>The window's width and height in pixels.</summary>
    public (int Width, int Height) SizeOf(ulong window)
    {
        XGetGeometry(_display, window, out _, out _, out _, out var width, out var height, out _, out _);
        return ((int)width, (int)height);
    }

    /// <summary>Sends WM_DELETE_WINDOW, as a window manager does when the user clicks the close button.</summary>
    public void RequestClose(ulong window)
    {
        var e = default(ClientMessage);
        e.Type = 33; // ClientMessage
        e.Window = window;
        e.MessageType = XInternAtom(_display, "WM_PROTOCOLS", 0);
        e.Format = 32;
        e.Data0 = (long)XInternAtom(_display, "WM_DELETE_WINDOW", 0);
        XSendEvent(_display, window, 0, 0, ref e);
        XFlush(_display);
    }

    public void Dispose() => XCloseDisplay(_display);

    // XClientMessageEvent, padded to the size of an XEvent (24 longs).
    [StructLayout(LayoutKind.Sequential, Size = 24 * 8)]
    private struct ClientMessage
    {
        public int Type;
        public ulong Serial;
        public int SendEvent;
        public IntPtr Display;
        public ulong Window;
        public ulong MessageType;
        public int Format;
        public long Data0;
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr XOpenDisplay(string name);

    [LibraryImport(Library)]
    private static partial int XCloseDisplay(IntPtr display);

    [LibraryImport(Library)]
    private static partial ulong XDefaultRootWindow(IntPtr display);

    [LibraryImport(Library)]
    private static partial int XQueryTree(IntPtr display, ulong window, out ulong root, out ulong parent, out ulong* children, out uint count);

    [LibraryImport(Library)]
    private static partial int XFetchName(IntPtr display, ulong window, out IntPtr name);

    [LibraryImport(Library)]
    private static partial int XFree(IntPtr data);

    [LibraryImport(Library)]
    private static partial int XGetGeometry(IntPtr display, ulong drawable, out ulong root, out int x, out int y, out uint width, out uint height, out uint border, out uint depth);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial ulong XInternAtom(IntPtr display, string name, int onlyIfExists);

    [LibraryImport(Library)]
    private static partial int XSendEvent(IntPtr display, ulong window, int propagate, long mask, ref ClientMessage e);

    [LibraryImport(Library)]
    private static partial int XFlush(IntPtr display);
}
