using MaskTrainer.Detect.Cli;
using MaskTrainer.Detect.Pipeline;

namespace MaskTrainer.Tests.Detect;

public sealed class WorkerThreadsTests
{
    [Theory]
    [InlineData(InputKind.Video, false, 1)] // read as fast as the loop takes frames: the stages fill the cores
    [InlineData(InputKind.Video, true, 0)]  // --realtime: a frame's own time is what the user waits for
    [InlineData(InputKind.Camera, false, 0)]
    [InlineData(InputKind.Image, false, 0)]
    [InlineData(InputKind.Images, false, 0)] // each image is its own run of the loop: nothing overlaps it
    public void Only_a_video_read_as_fast_as_possible_gives_each_network_one_thread(InputKind input, bool realtime, int expected)
    {
        WorkerThreads.For(new DetectorOptions { Input = input, Realtime = realtime }).Should().Be(expected);
    }
}
