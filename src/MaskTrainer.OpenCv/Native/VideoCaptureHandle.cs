using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

/// <summary>Owns a cv::VideoCapture (deleting closes the device or file) allocated by the shim; released exactly once, also from the finalizer.</summary>
internal sealed class VideoCaptureHandle : SafeHandle
{
    public VideoCaptureHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mt_capture_delete(handle);
        return true;
    }
}
