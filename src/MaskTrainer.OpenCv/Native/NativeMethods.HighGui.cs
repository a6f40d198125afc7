using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static partial int mt_has_display(out int hasDisplay);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_named_window(string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_imshow(string window, MatHandle img);

    [LibraryImport(Lib)]
    internal static partial int mt_wait_key(int delay, out int key);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_window_visible(string name, out int visible);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_destroy_window(string name);

    [LibraryImport(Lib)]
    internal static partial int mt_destroy_all_windows();
}
