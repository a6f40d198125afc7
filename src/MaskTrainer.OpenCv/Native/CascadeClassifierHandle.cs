using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

/// <summary>Owns a cv::CascadeClassifier allocated by the shim; released exactly once, also from the finalizer.</summary>
internal sealed class CascadeClassifierHandle : SafeHandle
{
    public CascadeClassifierHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mt_cascade_delete(handle);
        return true;
    }
}
