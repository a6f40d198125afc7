using System.Diagnostics;
using MaskTrainer.OpenCv;
using Xunit.Abstractions;

namespace MaskTrainer.Tests.OpenCv;

/// <summary>Measures process memory, so it runs alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenCvMemoryCollection
{
    public const string Name = "OpenCv.Memory";
}

[Collection(OpenCvMemoryCollection.Name)]
public sealed class MemoryStabilityTests(ITestOutputHelper output)
{
    private const string SmallJpeg = "data/mask-sample/with_mask/147.jpg";

    [SharedFact(SmallJpeg, "models/opencv_face_detector_uint8.pb", "models/opencv_face_detector.pbtxt")]
    public void Ten_thousand_decode_blob_forward_dispose_cycles_keep_memory_flat()
    {
        const int Warmup = 300;
        const int Cycles = 10_000;

        // A small blob keeps 10,000 forward passes well under a minute on 2 busy cores; any
        // leaked Mat (decoded image ~30 KB, blob 12 KB) would still add 100+ MB over the run.
        const int Side = 32;
        var jpeg = File.ReadAllBytes(OpenCvTestData.Data("mask-sample/with_mask/147.jpg"));
        using var net = Net.ReadFromTensorflow(OpenCvTestData.Res10Model, OpenCvTestData.Res10Config);

        for (var i = 0; i < Warmup; i++)
        {
            Cycle(net, jpeg, Side);
        }

        var before = SettledRss();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Cycles; i++)
        {
            Cycle(net, jpeg, Side);
        }

        clock.Stop();
        var after = SettledRss();
        var growthMb = (after - before) / (1024.0 * 1024.0);
        output.WriteLine($"{Cycles} cycles in {clock.Elapsed.TotalSeconds:0.0} s ({clock.Elapsed.TotalMilliseconds / Cycles:0.00} ms each); " +
            $"RSS {before / 1048576.0:0.0} MB -> {after / 1048576.0:0.0} MB (growth {growthMb:0.0} MB)");

        growthMb.Should().BeLessThan(30);
    }

    private static void Cycle(Net net, byte[] jpeg, int side)
    {
        using var image = Cv2.ImDecode(jpeg);
        using var blob = Dnn.BlobFromImage(image, 1.0, new Size(side, side), DnnTests.Res10Mean, swapRB: false);
        net.SetInput(blob);
        using var result = net.Forward();
    }

    /// <summary>Resident set size after a full collection, from /proc/self/statm (pages).</summary>
    private static long SettledRss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (!File.Exists("/proc/self/statm"))
        {
            return Environment.WorkingSet;
        }

        var pages = long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1]);
        return pages * Environment.SystemPageSize;
    }
}
