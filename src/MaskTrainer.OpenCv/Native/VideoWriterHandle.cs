using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

/// <summary>Owns a cv::VideoWriter (deleting finishes the file) allocated by the shim; released exactly once, also from the finalizer.</summary>
internal sealed class VideoWriterHandle : SafeHandle
{
    public VideoWriterHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mt_writer_delete(handle);
        return true;
    }
}
