using System.Runtime.InteropServices;

namespace MaskTrainer.Detect;

/// <summary>
/// Keeps glibc's native heap from growing over long runs. glibc gives threads that allocate
/// under contention their own arenas; the frame loop's stage threads and OpenCV's workers
/// allocate and free native buffers of varying sizes (frames, face crops, network blobs) in
/// them, and the freed fragments stay resident. Measured on 720p video, resident memory from
/// frame 500 to 2,000: +40 to +46 MB untuned; +6 to +17 MB with a fixed mmap threshold; +28 MB
/// with trimming alone; +4 MB with all three (fixed mmap threshold, two arenas, trimming every
/// 5 s), at the same frame rate. Does nothing where glibc is absent. (MALLOC_ARENA_MAX=2 in the
/// environment does the arena part best, since it also covers arenas the runtime made before Main.)
/// </summary>
internal static partial class NativeHeap
{
    private const int ArenaMaxParameter = -8; // M_ARENA_MAX in malloc.h
    private const int MmapThresholdParameter = -3; // M_MMAP_THRESHOLD

    /// <summary>Limits the arenas created from now on (arenas the runtime already made stay); call first in Main.</summary>
    public static void LimitArenas(int arenas = 2) => TryCall(() => mallopt(ArenaMaxParameter, arenas));

    /// <summary>
    /// Fixes the size from which blocks get their own mapping (and go straight back to the
    /// system when freed). glibc otherwise raises it after the first large free, after which
    /// frame-sized buffers come from the arenas and fragment them.
    /// </summary>
    public static void FixMmapThreshold(int bytes = 256 * 1024) => TryCall(() => mallopt(MmapThresholdParameter, bytes));

    /// <summary>Returns free heap pages to the system every <paramref name="period"/> until disposed.</summary>
    public static IDisposable StartTrimming(TimeSpan period)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new Timer(_ => { });
        }

        return new Timer(_ => TryCall(() => malloc_trim(0)), null, period, period);
    }

    private static void TryCall(Func<int> call)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            call();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): nothing to tune.
        }
    }

    [LibraryImport("libc")]
    private static partial int mallopt(int param, int value);

    [LibraryImport("libc")]
    private static partial int malloc_trim(nuint pad);
}
