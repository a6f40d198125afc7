using MaskTrainer.Detect.Cli;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>
/// How many threads each network and the video decoder may use, decided once per run from the
/// input: the one place that trades a frame's latency against the loop's throughput.
/// </summary>
/// <remarks>
/// A video file read as fast as the loop takes frames keeps all four stages busy, so both cores
/// are already working: a network splitting one frame over two threads then only adds the cost of
/// the split (ONNX Runtime: res10 16.5 ms of CPU a frame on one thread, 18.7 on two; FFmpeg's
/// frame threads: about 30 % more CPU a 720p frame), which the other stages needed. Live input
/// (a camera, <c>--realtime</c>) and single images leave cores idle between frames, and there a
/// frame's own processing time is what the user waits for, so every network uses every core.
/// Measured in docs/detector.md (Performance, session 12).
/// </remarks>
public static class WorkerThreads
{
    /// <summary>Threads per ONNX Runtime session and for decoding: 1 for a video file read as fast as possible, else 0 (one per core).</summary>
    public static int For(DetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Input == InputKind.Video && !options.Realtime ? 1 : 0;
    }
}
