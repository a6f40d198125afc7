using System.Globalization;
using MaskTrainer.Reporting;

namespace MaskTrainer.Detect.Stats;

/// <summary>What a run did and how fast: printed at the end, and the last JSON line with --json.</summary>
/// <param name="Frames">Frames processed end to end.</param>
/// <param name="Faces">Faces reported, summed over frames (held faces included: <see cref="Held"/>).</param>
/// <param name="Classifications">Face crops that went through the classifier (fewer than faces: tracks are re-classified every few frames).</param>
/// <param name="Seconds">Wall time from the first frame read to the last frame written.</param>
/// <param name="P50LatencyMs">Median time from reading a frame to having written/shown it; null when no frame (or image) finished.</param>
/// <param name="P95LatencyMs">95th percentile of that time; null when none finished.</param>
/// <param name="StartupSeconds">Time to load the model and the detector and open the input, before the first frame.</param>
/// <param name="Reason">Why the run ended.</param>
public sealed record RunSummary(
    long Frames,
    long Faces,
    long Classifications,
    double Seconds,
    double? P50LatencyMs,
    double? P95LatencyMs,
    double StartupSeconds,
    StopReason Reason)
{
    /// <summary>
    /// Of <see cref="Faces"/>, those held: reported through a frame in which the detector missed them
    /// (<see cref="Tracking.TrackerOptions.HoldFrames"/>). Always 0 for images.
    /// </summary>
    public long Held { get; init; }

    /// <summary>Live frames (camera, --realtime) skipped because processing was behind (the newest frame wins).</summary>
    public long Dropped { get; init; }

    /// <summary>For --images: the files skipped and failed (<see cref="Frames"/> counts the images processed); null otherwise.</summary>
    public ImageBatchCounts? Batch { get; init; }

    /// <summary>The face detector's id (the model's live detector unless --detector chose another); null when not known.</summary>
    public string? Detector { get; init; }

    /// <summary>Why the output file could not be written (one line naming it), though the frames were handled; null when it was, or none was asked for.</summary>
    public string? Error { get; init; }

    /// <summary>Frames per second over the run, end to end.</summary>
    public double MeanFps => Seconds > 0 ? Frames / Seconds : 0;

    public override string ToString() => Batch is { } b
        ? string.Create(CultureInfo.InvariantCulture,
            $"{Plural.Of(Frames, "image")}, {Plural.Of(Faces, "face")} ({Classifications} classified), {b.Skipped} skipped, {b.Failed} failed in {Seconds:0.00} s: per image p50 {Ms(P50LatencyMs)}, p95 {Ms(P95LatencyMs)} (start-up {StartupSeconds:0.00} s){DetectorNote}")
        : string.Create(CultureInfo.InvariantCulture,
        $"{Plural.Of(Frames, "frame")}, {Plural.Of(Faces, "face")} ({Classifications} classified{(Held > 0 ? $", {Held} held" : "")}) in {Seconds:0.00} s: {MeanFps:0.0} FPS, frame latency p50 {Ms(P50LatencyMs)}, p95 {Ms(P95LatencyMs)} (start-up {StartupSeconds:0.00} s){(Dropped > 0 ? $", {Plural.Of(Dropped, "live frame")} dropped (late)" : "")}{DetectorNote}");

    private string DetectorNote => Detector is null ? "" : $"; face detector {Detector}";

    // "-" when nothing was measured: "0.0 ms" read as instant.
    private static string Ms(double? latency) => latency is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms") : "-";
}
