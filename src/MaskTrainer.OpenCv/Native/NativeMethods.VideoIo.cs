using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

internal static partial class NativeMethods
{
    [LibraryImport(Lib)]
    internal static partial int mt_capture_open_camera(int index, int api, out VideoCaptureHandle capture, out int opened);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_capture_open_file(string path, int api, out VideoCaptureHandle capture, out int opened);

    [LibraryImport(Lib)]
    internal static partial void mt_capture_delete(IntPtr capture);

    [LibraryImport(Lib)]
    internal static partial int mt_capture_read(VideoCaptureHandle capture, MatHandle frame, out int ok);

    [LibraryImport(Lib)]
    internal static partial int mt_capture_get(VideoCaptureHandle capture, int prop, out double value);

    [LibraryImport(Lib)]
    internal static partial int mt_capture_set(VideoCaptureHandle capture, int prop, double value, out int ok);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_writer_open(string path, string fourcc, double fps, int width, int height, int isColor, out VideoWriterHandle writer, out int opened);

    [LibraryImport(Lib)]
    internal static partial int mt_writer_write(VideoWriterHandle writer, MatHandle frame);

    [LibraryImport(Lib)]
    internal static partial void mt_writer_delete(IntPtr writer);
}
