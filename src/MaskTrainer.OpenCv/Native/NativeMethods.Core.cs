using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

/// <summary>
/// P/Invoke declarations for the shim (libmasktrainer_cv), one partial file per OpenCV module.
/// Every export returns 0 or a negative status; pass it to <see cref="NativeError.Check"/>.
/// </summary>
internal static partial class NativeMethods
{
    internal const string Lib = "masktrainer_cv";

    [LibraryImport(Lib)]
    internal static partial IntPtr mt_last_error();

    [LibraryImport(Lib)]
    internal static partial int mt_last_error_code();

    [LibraryImport(Lib)]
    internal static partial IntPtr mt_version();

    [LibraryImport(Lib)]
    internal static partial void mt_free(IntPtr p);

    [LibraryImport(Lib)]
    internal static partial int mt_set_num_threads(int n);

    [LibraryImport(Lib)]
    internal static partial int mt_get_num_threads(out int n);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_new(out MatHandle mat);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_new_filled(int rows, int cols, int type, double v0, double v1, double v2, double v3, out MatHandle mat);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_mat_new_copy(int dims, int* sizes, int type, void* data, out MatHandle mat);

    [LibraryImport(Lib)]
    internal static partial void mt_mat_delete(IntPtr mat);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_info(MatHandle mat, out int rows, out int cols, out int type, out int dims, out int continuous, out long total);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_mat_shape(MatHandle mat, int* sizes, int capacity, out int dims);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_data(MatHandle mat, out IntPtr data, out long bytes);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_clone(MatHandle mat, out MatHandle clone);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_crop(MatHandle mat, int x, int y, int width, int height, out MatHandle crop);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_copy_to(MatHandle src, MatHandle dst);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_convert_to(MatHandle src, MatHandle dst, int type, double alpha, double beta);

    [LibraryImport(Lib)]
    internal static partial int mt_mat_set_to(MatHandle mat, double v0, double v1, double v2, double v3);
}
