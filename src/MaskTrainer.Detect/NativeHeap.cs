using System.Runtime.InteropServices;

namespace MaskTrainer.Detect;

/// <summary>
/// Keeps glibc's native heap flat over long runs without paying for it on every frame. glibc
/// gives threads that allocate under contention their own arenas; the frame loop's stage threads
/// and OpenCV's workers allocate and free native buffers in them, and freed fragments of varying
/// sizes stay resident. Measured on 720p video, resident memory from frame 500 to 2,000: +40 to
/// +46 MB untuned; +4 MB with a fixed 256 KB mmap threshold, two arenas and trimming every 5 s.
/// That threshold, though, put every frame-sized block (FFmpeg's copy of each frame it encodes,
/// 1.4 MB at 720p; each face crop) in a fresh mapping: about 750 page faults a frame in all, a
/// tenth of the app's CPU spent in the kernel. Face crops now go into one growing buffer (<see cref="Faces.FaceCropBuffer"/>), so
/// the blocks that remain have fixed sizes, and the threshold sits above a 1080p BGR frame: the
/// same blocks are reused from frame to frame. Session 11 (docs/detector.md, Performance): page
/// faults 450,000 → 75,000 over 600 frames (most of those left are start-up), and resident memory
/// flat at 280–320 MB over 5,000 frames.
/// Does nothing where glibc is absent. (MALLOC_ARENA_MAX=2 in the environment does the arena
/// part best, since it also covers arenas the runtime made before Main.)
/// </summary>
internal static partial class NativeHeap
{
    private const int ArenaMaxParameter = -8; // M_ARENA_MAX in malloc.h
    private const int MmapThresholdParameter = -3; // M_MMAP_THRESHOLD

    /// <summary>Limits the arenas created from now on (arenas the runtime already made stay); call first in Main.</summary>
    public static void LimitArenas(int arenas = 2) => TryCall(() => mallopt(ArenaMaxParameter, arenas));

    /// <summary>
    /// Fixes the size from which blocks get their own mapping (and go straight back to the
    /// system when freed), instead of glibc's threshold that moves with the blocks freed. The
    /// default, 8 MB, keeps frames up to 1080p BGR (6.2 MB) and their encoder copies in the arenas.
    /// </summary>
    public static void FixMmapThreshold(int bytes = 8 * 1024 * 1024) => TryCall(() => mallopt(MmapThresholdParameter, bytes));

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
