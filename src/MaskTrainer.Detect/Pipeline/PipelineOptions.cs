using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Tracking;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>Settings of the frame loop.</summary>
public sealed record PipelineOptions
{
    /// <summary>Index of the label meaning "mask" (see <see cref="Classification.MaskLabels"/>).</summary>
    public int MaskLabelIndex { get; init; }

    /// <summary>A face counts as masked when its smoothed P(mask) is at least this (default 0.5).</summary>
    public float Threshold { get; init; } = 0.5f;

    /// <summary>
    /// Faces whose box has a side below this many pixels are not classified but reported as too
    /// small to judge (default 0: every face is classified; the app passes the model's value).
    /// </summary>
    public int MinFaceSize { get; init; }

    /// <summary>Weight of a new classification in a track's moving average, in (0, 1] (default 0.5; 1 = no smoothing).</summary>
    public float Smoothing { get; init; } = 0.5f;

    public TrackerOptions Tracker { get; init; } = TrackerOptions.Default;

    public AlertOptions Alerts { get; init; } = AlertOptions.Default;

    /// <summary>Stop before input frame number N, numbered from 0 (0 = no limit); frames dropped live count, as --max-frames says.</summary>
    public long MaxFrames { get; init; }

    /// <summary>
    /// Frames waiting between two stages (default 2): enough to absorb one slow frame (a batch of
    /// re-classifications) without stalling the others, small enough to keep latency low.
    /// </summary>
    public int QueueCapacity { get; init; } = 2;

    /// <summary>
    /// Frames allowed in the loop at once, from read to written (default 5): one per stage keeps
    /// all four busy, one more absorbs a slow frame. A file can be read faster than it is
    /// processed, so this bounds how long a frame waits in queues (its latency) and the memory
    /// held; more does not raise throughput, it only adds waiting.
    /// </summary>
    public int MaxFramesInFlight { get; init; } = 5;

    public static PipelineOptions Default { get; } = new();
}
