using System.Diagnostics;
using System.Runtime.InteropServices;
using MaskTrainer.Imaging;
using OpenCvSharp;
using OpenCvSharp.Dnn;
using Xunit.Abstractions;

namespace MaskTrainer.Tests.Imaging;

/// <summary>Measures process memory, so it runs alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenCvMemoryCollection
{
    public const string Name = "OpenCv.Memory";
}

[Collection(OpenCvMemoryCollection.Name)]
public sealed partial class MemoryStabilityTests(ITestOutputHelper output)
{
    private const string SmallJpeg = "data/mask-sample/with_mask/147.jpg";

    [SharedFact(SmallJpeg, "models/opencv_face_detector_uint8.pb", "models/opencv_face_detector.pbtxt")]
    public void Ten_thousand_decode_blob_forward_dispose_cycles_keep_memory_flat_in_OpenCV_DNN()
    {
        const int Warmup = 300;
        const int Cycles = 10_000;

        // A small blob keeps 10,000 forward passes well under a minute on 2 busy cores; any
        // leaked Mat (decoded image ~30 KB, blob 12 KB) would still add 100+ MB over the run.
        const int Side = 32;
        var jpeg = File.ReadAllBytes(SharedData.Full(SmallJpeg));
        using var net = CvDnn.ReadNetFromTensorflow(ImagingTestData.Res10Model, ImagingTestData.Res10Config)!;

        for (var i = 0; i < Warmup; i++)
        {
            Cycle(net, jpeg, Side);
        }

        var before = Measure();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Cycles; i++)
        {
            Cycle(net, jpeg, Side);
        }

        clock.Stop();
        var after = Measure();
        var rssMb = (after.Rss - before.Rss) / 1048576.0;
        var nativeMb = (after.NativeInUse - before.NativeInUse) / 1048576.0;
        var managedMb = (after.Managed - before.Managed) / 1048576.0;
        output.WriteLine($"{Cycles} cycles in {clock.Elapsed.TotalSeconds:0.0} s ({clock.Elapsed.TotalMilliseconds / Cycles:0.00} ms each); " +
            $"RSS {before.Rss / 1048576.0:0.0} -> {after.Rss / 1048576.0:0.0} MB ({rssMb:+0.0;-0.0}); " +
            $"malloc in use {nativeMb:+0.00;-0.00} MB; managed heap {managedMb:+0.00;-0.00} MB");

        rssMb.Should().BeLessThan(30);

        // RSS also moves with allocator fragmentation; the bytes malloc hands out do not: a leak
        // of even 400 bytes per cycle would show here.
        if (before.NativeInUse >= 0)
        {
            nativeMb.Should().BeLessThan(4);
        }

        managedMb.Should().BeLessThan(4);
    }

    private static void Cycle(Net net, byte[] jpeg, int side)
    {
        using var image = ImageCodec.Decode(jpeg);
        using var blob = CvDnn.BlobFromImage(image, 1.0, new Size(side, side), DnnTests.Res10Mean, swapRB: false);
        net.SetInput(blob);
        using var result = net.Forward();
    }

    /// <summary>After a full collection: RSS (/proc/self/statm), glibc's bytes in use (-1 when unknown), managed heap.</summary>
    private static (long Rss, long NativeInUse, long Managed) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var rss = File.Exists("/proc/self/statm")
            ? long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1]) * Environment.SystemPageSize
            : Environment.WorkingSet;
        return (rss, NativeBytesInUse(), GC.GetTotalMemory(forceFullCollection: false));
    }

    private static long NativeBytesInUse()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        try
        {
            var info = mallinfo2();
            return (long)(info.Uordblks + info.Hblkhd); // small/medium blocks in use + mmapped blocks
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return -1; // not glibc, or glibc older than 2.33
        }
    }

    [LibraryImport("libc")]
    private static partial MallInfo2 mallinfo2();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}
