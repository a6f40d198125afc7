using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static unsafe partial int mt_imdecode(byte* data, long length, int flags, MatHandle dst);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int mt_imencode(string ext, MatHandle img, int* parameters, int parameterCount, out IntPtr data, out long length);
}
