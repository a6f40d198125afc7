using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

/// <summary>Owns a cv::dnn::Net allocated by the shim; released exactly once, also from the finalizer.</summary>
internal sealed class NetHandle : SafeHandle
{
    public NetHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mt_net_delete(handle);
        return true;
    }
}
