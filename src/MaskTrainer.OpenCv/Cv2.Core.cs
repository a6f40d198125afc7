using System.Runtime.InteropServices;
using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

/// <summary>OpenCV functions, split per module like OpenCV itself (Cv2.Core.cs, Cv2.ImgProc.cs, ...).</summary>
public static partial class Cv2
{
    /// <summary>The OpenCV version the shim was built against, e.g. "4.6.0".</summary>
    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.mt_version()) ?? "unknown";

    /// <summary>Threads OpenCV uses for its parallel loops.</summary>
    public static int GetNumThreads()
    {
        NativeError.Check(NativeMethods.mt_get_num_threads(out var n));
        return n;
    }

    /// <summary>
    /// Sets OpenCV's thread count for parallel loops (process-wide); 0 disables threading,
    /// a negative value restores the default.
    /// </summary>
    public static void SetNumThreads(int n) => NativeError.Check(NativeMethods.mt_set_num_threads(n));
}
