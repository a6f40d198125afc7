using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

/// <summary>Owns a cv::Mat allocated by the shim; released exactly once, also from the finalizer.</summary>
internal sealed class MatHandle : SafeHandle
{
    public MatHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mt_mat_delete(handle);
        return true;
    }
}
