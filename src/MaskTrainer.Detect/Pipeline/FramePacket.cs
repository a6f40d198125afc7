using MaskTrainer.Detect.Alerts;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>
/// One frame travelling through the loop with its results. Packets (and their Mats and arrays)
/// are pooled and reused, so steady-state frames allocate nothing.
/// </summary>
public sealed class FramePacket : IDisposable
{
    private FaceResult[] _faces = new FaceResult[8];

    /// <summary>The pixels (8-bit BGR); the sink draws the overlay into it.</summary>
    public Mat Frame { get; } = new();

    /// <summary>0-based frame number.</summary>
    public long Index { get; set; }

    /// <summary>The frame's time (see <see cref="Sources.IFrameSource.Read"/>).</summary>
    public double TimeMs { get; set; }

    /// <summary>
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp where the frame's latency starts: when a
    /// live frame came into being (<see cref="Sources.IFrameSource.FrameTimestamp"/>), else just before it was read.
    /// </summary>
    public long ReadTimestamp { get; set; }

    public int FaceCount { get; private set; }

    /// <summary>The faces of this frame: the detected ones, then the held ones (<see cref="FaceResult.Held"/>).</summary>
    public Span<FaceResult> Faces => _faces.AsSpan(0, FaceCount);

    /// <summary>Tracks that ended at this frame, so later stages drop their state.</summary>
    public List<int> EndedTracks { get; } = [];

    /// <summary>Pairs of faces standing too close.</summary>
    public List<ClosePair> ClosePairs { get; } = [];

    /// <summary>True when any face raised <see cref="FaceAlerts.Proximity"/>.</summary>
    public bool AnyProximity
    {
        get
        {
            foreach (ref readonly var f in Faces)
            {
                if ((f.Alerts & FaceAlerts.Proximity) != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Sets the face count (contents zeroed), growing the array only when a frame has more faces than any before.</summary>
    public Span<FaceResult> ResetFaces(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _faces.Length)
        {
            _faces = new FaceResult[Math.Max(count, _faces.Length * 2)];
        }

        FaceCount = count;
        var span = Faces;
        span.Clear();
        return span;
    }

    /// <summary>Clears the results before the packet is reused for another frame.</summary>
    public void Reset()
    {
        FaceCount = 0;
        EndedTracks.Clear();
        ClosePairs.Clear();
    }

    public void Dispose() => Frame.Dispose();
}
