using System.Diagnostics;
using MaskTrainer.Detect.Stats;

namespace MaskTrainer.Tests.Detect;

public sealed class LatencyStatsTests
{
    [Fact]
    public void Percentiles_use_the_nearest_rank_to_a_tenth_of_a_millisecond()
    {
        var h = new LatencyHistogram();
        for (int i = 1; i <= 100; i++)
        {
            h.Add(i); // 1..100 ms
        }

        h.Count.Should().Be(100);
        h.Percentile(50).Should().BeApproximately(50, 0.1);
        h.Percentile(95).Should().BeApproximately(95, 0.1);
        h.Percentile(100).Should().Be(100);
        h.MeanMs.Should().BeApproximately(50.5, 1e-9);
        h.MaxMs.Should().Be(100);
    }

    [Fact]
    public void Huge_latencies_go_to_the_overflow_and_memory_stays_fixed()
    {
        var h = new LatencyHistogram();
        h.Add(5);
        h.Add(60_000);
        h.Percentile(50).Should().BeApproximately(5, 0.1);
        h.Percentile(100).Should().Be(60_000);
        new LatencyHistogram().Percentile(95).Should().BeNull("nothing was measured: 0 would read as instant");
    }

    [Fact]
    public void The_fps_meter_averages_over_its_window()
    {
        var m = new FpsMeter(window: 5);
        m.Fps.Should().Be(0);
        long t = 0;
        long step = Stopwatch.Frequency / 20; // 20 FPS
        for (int i = 0; i < 10; i++)
        {
            m.Tick(t += step);
        }

        m.Fps.Should().BeApproximately(20, 0.01);
        m.Tick(t += Stopwatch.Frequency / 10); // one slow frame drags the recent rate down
        m.Fps.Should().BeApproximately(4 / 0.25, 0.01);
    }

    [Fact]
    public void The_summary_line_reports_fps_and_latency_percentiles()
    {
        var s = new RunSummary(300, 290, 80, 10, 40.04, 61.26, 1.5, StopReason.EndOfInput);
        s.MeanFps.Should().Be(30);
        s.ToString().Should().Be("300 frames, 290 faces (80 classified) in 10.00 s: 30.0 FPS, frame latency p50 40.0 ms, p95 61.3 ms (start-up 1.50 s)");
        (s with { Dropped = 3 }).ToString().Should().EndWith(", 3 live frames dropped (late)");
    }

    [Fact]
    public void The_summary_line_says_one_frame_one_image_one_face_in_the_singular()
    {
        // It said "1 frames, 1 faces" and "1 images"; the JSON field names stay plural.
        var one = new RunSummary(1, 1, 1, 0.5, 10, 10, 1, StopReason.EndOfInput) { Dropped = 1 };
        one.ToString().Should().StartWith("1 frame, 1 face (1 classified) in ").And.EndWith(", 1 live frame dropped (late)");
        (one with { Batch = new ImageBatchCounts(0, 1) }).ToString().Should().StartWith("1 image, 1 face (1 classified), 0 skipped, 1 failed in ");
        new RunSummary(0, 0, 0, 0, 0, 0, 1, StopReason.EndOfInput).ToString().Should().StartWith("0 frames, 0 faces (0 classified)");
    }
}
