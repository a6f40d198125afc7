using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static partial int mt_resize(MatHandle src, MatHandle dst, int width, int height, int interpolation);

    [LibraryImport(Lib)]
    internal static partial int mt_flip(MatHandle src, MatHandle dst, int code);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_warp_affine(MatHandle src, MatHandle dst, double* m6, int width, int height, int interpolation, int border, double v0, double v1, double v2, double v3);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_get_rotation_matrix_2d(float cx, float cy, double angle, double scale, double* out6);

    [LibraryImport(Lib)]
    internal static partial int mt_cvt_color(MatHandle src, MatHandle dst, int code);

    [LibraryImport(Lib)]
    internal static partial int mt_copy_make_border(MatHandle src, MatHandle dst, int top, int bottom, int left, int right, int border, double v0, double v1, double v2, double v3);

    [LibraryImport(Lib)]
    internal static partial int mt_rectangle(MatHandle img, int x, int y, int width, int height, double v0, double v1, double v2, double v3, int thickness, int lineType);

    [LibraryImport(Lib)]
    internal static partial int mt_filled_rectangle(MatHandle img, int x, int y, int width, int height, double v0, double v1, double v2, double v3, double alpha);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_put_text(MatHandle img, string text, int x, int y, int font, double scale, double v0, double v1, double v2, double v3, int thickness, int lineType);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_get_text_size(string text, int font, double scale, int thickness, out int width, out int height, out int baseline);

    [LibraryImport(Lib)]
    internal static partial int mt_circle(MatHandle img, int x, int y, int radius, double v0, double v1, double v2, double v3, int thickness, int lineType);

    [LibraryImport(Lib)]
    internal static partial int mt_line(MatHandle img, int x1, int y1, int x2, int y2, double v0, double v1, double v2, double v3, int thickness, int lineType);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_fill_poly(MatHandle img, int* points, int count, double v0, double v1, double v2, double v3, int lineType);

    [LibraryImport(Lib)]
    internal static partial int mt_add_weighted(MatHandle a, double alpha, MatHandle b, double beta, double gamma, MatHandle dst);

    [LibraryImport(Lib)]
    internal static partial int mt_gaussian_blur(MatHandle src, MatHandle dst, int kw, int kh, double sigma);
}
