using System.Runtime.InteropServices;
using System.Text;

namespace MaskTrainer.OpenCv.Native;

/// <summary>Reads string lists the shim returns as one malloc'd block of NUL-terminated strings.</summary>
internal static class NativeStrings
{
    /// <summary>Copies <paramref name="count"/> strings out of the block and frees it.</summary>
    public static unsafe string[] TakeAll(IntPtr block, int count)
    {
        try
        {
            var result = new string[count];
            var p = (byte*)block;
            for (var i = 0; i < count; i++)
            {
                var bytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(p);
                result[i] = Encoding.UTF8.GetString(bytes);
                p += bytes.Length + 1;
            }

            return result;
        }
        finally
        {
            NativeMethods.mt_free(block);
        }
    }
}
