using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

internal static partial class NativeMethods
{
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_cascade_load(string path, out CascadeClassifierHandle cascade, out int loaded);

    [LibraryImport(Lib)]
    internal static partial void mt_cascade_delete(IntPtr cascade);

    [LibraryImport(Lib)]
    internal static partial int mt_cascade_detect_multi_scale(CascadeClassifierHandle cascade, MatHandle image, double scaleFactor, int minNeighbors, int minW, int minH, int maxW, int maxH, out IntPtr rects, out int count);
}
