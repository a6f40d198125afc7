using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Tracking;

/// <summary>
/// Follows faces across frames by box overlap (greedy IoU matching, highest overlap first) and
/// decides when each track needs a fresh classification, and which tracks missed in a frame are
/// still reported ("held", <see cref="TrackerOptions.HoldFrames"/>). Not thread-safe: one pipeline stage owns it.
/// </summary>
public sealed class FaceTracker
{
    private readonly TrackerOptions _options;
    private readonly List<Track> _tracks = [];
    private readonly Stack<Track> _free = new();
    private int _nextId = 1;

    public FaceTracker(TrackerOptions? options = null)
    {
        _options = options ?? TrackerOptions.Default;
        _options.Validate();
    }

    /// <summary>Tracks alive now (seen recently, possibly not in the last frame).</summary>
    public int ActiveTracks => _tracks.Count;

    /// <summary>
    /// Matches this frame's detections to the tracks. Writes one assignment per box (same
    /// order) and appends the ids of tracks that expired to <paramref name="removed"/>. Clears
    /// <paramref name="held"/> (when given) and fills it with the tracks to report in this frame
    /// although no detection matched them: confirmed tracks (matched in at least
    /// <see cref="TrackerOptions.ConfirmFrames"/> frames) missed for 1..<see cref="TrackerOptions.HoldFrames"/>
    /// frames in a row, at their last box, oldest track first. A track is not held when a detection of this frame
    /// covers its box's centre: that face is then in the frame under another track, and holding
    /// it would show the face twice.
    /// </summary>
    public void Update(ReadOnlySpan<Rect> boxes, Span<TrackAssignment> assignments, List<int> removed, List<HeldTrack>? held)
    {
        ArgumentNullException.ThrowIfNull(removed);
        held?.Clear();
        if (assignments.Length < boxes.Length)
        {
            throw new ArgumentException($"{boxes.Length} boxes need as many assignment slots, got {assignments.Length}", nameof(assignments));
        }

        int n = _tracks.Count;
        foreach (var t in _tracks)
        {
            t.Matched = false;
        }

        Span<int> trackOfBox = boxes.Length <= 64 ? stackalloc int[boxes.Length] : new int[boxes.Length];
        trackOfBox.Fill(-1);

        // Greedy: take the best remaining (track, box) pair until none overlaps enough. With a
        // handful of faces this is as good as the Hungarian method and far simpler.
        while (true)
        {
            float best = _options.MatchIoU;
            int bestTrack = -1, bestBox = -1;
            for (int t = 0; t < n; t++)
            {
                if (_tracks[t].Matched)
                {
                    continue;
                }

                for (int b = 0; b < boxes.Length; b++)
                {
                    if (trackOfBox[b] >= 0)
                    {
                        continue;
                    }

                    var iou = BoxOverlap.IoU(_tracks[t].Box, boxes[b]);
                    if (iou >= best && (bestTrack < 0 || iou > best))
                    {
                        best = iou;
                        bestTrack = t;
                        bestBox = b;
                    }
                }
            }

            if (bestTrack < 0)
            {
                break;
            }

            _tracks[bestTrack].Matched = true;
            trackOfBox[bestBox] = bestTrack;
        }

        for (int b = 0; b < boxes.Length; b++)
        {
            Track track;
            bool isNew = trackOfBox[b] < 0;
            if (isNew)
            {
                track = _free.Count > 0 ? _free.Pop() : new Track();
                track.Reset(_nextId++, boxes[b]);
                _tracks.Add(track);
            }
            else
            {
                track = _tracks[trackOfBox[b]];
                track.Box = boxes[b];
                track.Missed = 0;
                track.Hits += track.Hits < int.MaxValue ? 1 : 0; // a camera left running for years must not wrap
                track.FramesSinceClassified++;
            }

            bool classify = isNew
                || track.FramesSinceClassified >= _options.ReclassifyEvery
                || BoxOverlap.IoU(track.Box, track.ClassifiedBox) < _options.ReclassifyIoU;
            if (classify)
            {
                track.ClassifiedBox = track.Box;
                track.FramesSinceClassified = 0;
            }

            assignments[b] = new TrackAssignment(track.Id, classify, isNew);
        }

        // Age the tracks that were not seen (new tracks were added after index n).
        for (int t = n - 1; t >= 0; t--)
        {
            var track = _tracks[t];
            if (track.Matched)
            {
                continue;
            }

            // "Every N frames" counts the frames the face was missed in too: one that comes back is due sooner.
            track.FramesSinceClassified++;
            if (++track.Missed > _options.MaxMissedFrames)
            {
                removed.Add(track.Id);
                _tracks.RemoveAt(t);
                _free.Push(track);
            }
        }

        if (held is null || _options.HoldFrames == 0)
        {
            return;
        }

        foreach (var track in _tracks)
        {
            if (!track.Matched && track.Hits >= _options.ConfirmFrames && track.Missed <= _options.HoldFrames
                && !Covered(track.Box, boxes))
            {
                held.Add(new HeldTrack(track.Id, track.Box, track.Missed));
            }
        }
    }

    // True when one of the boxes stands for box by the detector's own centre rule, whichever holds the
    // other's centre (a far face in the corner of a near one's box is held on its own).
    private static bool Covered(Rect box, ReadOnlySpan<Rect> boxes)
    {
        foreach (var b in boxes)
        {
            if (FaceBoxes.SameFace(b, box, TiledFaceDetector.InnerFaceWidthRatio))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Track
    {
        public int Id;
        public Rect Box;
        public Rect ClassifiedBox;
        public int Missed;
        public int Hits;
        public int FramesSinceClassified;
        public bool Matched;

        public void Reset(int id, Rect box)
        {
            Id = id;
            Box = box;
            ClassifiedBox = box;
            Missed = 0;
            Hits = 1;
            FramesSinceClassified = 0;
            Matched = true;
        }
    }
}
