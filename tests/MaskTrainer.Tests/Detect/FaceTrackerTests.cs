using MaskTrainer.Detect.Tracking;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Detect;

public sealed class FaceTrackerTests
{
    private readonly TrackAssignment[] _assignments = new TrackAssignment[8];
    private readonly List<int> _ended = [];

    [Fact]
    public void IoU_is_one_for_the_same_box_zero_for_disjoint_ones_and_exact_in_between()
    {
        var a = new Rect(0, 0, 10, 10);
        BoxOverlap.IoU(a, a).Should().Be(1f);
        BoxOverlap.IoU(a, new Rect(10, 0, 10, 10)).Should().Be(0f);
        BoxOverlap.IoU(a, new Rect(5, 0, 10, 10)).Should().BeApproximately(50f / 150f, 1e-6f);
        BoxOverlap.IoU(a, default).Should().Be(0f);
    }

    [Fact]
    public void Faces_keep_their_track_ids_while_they_move_and_swap_order()
    {
        var tracker = new FaceTracker();
        Update(tracker, new Rect(0, 0, 100, 100), new Rect(500, 0, 100, 100));
        var first = (_assignments[0], _assignments[1]);
        first.Item1.IsNew.Should().BeTrue();
        first.Item2.IsNew.Should().BeTrue();
        first.Item1.TrackId.Should().NotBe(first.Item2.TrackId);

        // Both moved a little, and the detector lists them the other way round.
        Update(tracker, new Rect(510, 5, 100, 100), new Rect(8, 4, 100, 100));
        _assignments[0].TrackId.Should().Be(first.Item2.TrackId);
        _assignments[1].TrackId.Should().Be(first.Item1.TrackId);
        _assignments[0].IsNew.Should().BeFalse();
        tracker.ActiveTracks.Should().Be(2);
    }

    [Fact]
    public void New_tracks_are_classified_at_once_then_every_Nth_frame()
    {
        var tracker = new FaceTracker(new TrackerOptions { ReclassifyEvery = 3 });
        var classified = new List<bool>();
        for (int i = 0; i < 7; i++)
        {
            Update(tracker, new Rect(i, 0, 100, 100)); // drifts 1 px per frame: same crop
            classified.Add(_assignments[0].Classify);
        }

        classified.Should().Equal(true, false, false, true, false, false, true);
    }

    [Fact]
    public void A_track_is_classified_again_early_when_its_box_changed_a_lot()
    {
        var tracker = new FaceTracker(new TrackerOptions { ReclassifyEvery = 100, ReclassifyIoU = 0.6f, MatchIoU = 0.2f });
        Update(tracker, new Rect(0, 0, 100, 100));
        Update(tracker, new Rect(10, 0, 100, 100)); // IoU with the classified box 0.82: keep
        _assignments[0].Classify.Should().BeFalse();
        Update(tracker, new Rect(40, 0, 100, 100)); // IoU with the classified box 0.43: same track, new crop
        _assignments[0].Classify.Should().BeTrue();
        _assignments[0].IsNew.Should().BeFalse();
    }

    [Fact]
    public void A_track_survives_missed_frames_then_ends_and_is_reported()
    {
        var tracker = new FaceTracker(new TrackerOptions { MaxMissedFrames = 2 });
        Update(tracker, new Rect(0, 0, 100, 100));
        var id = _assignments[0].TrackId;

        Update(tracker);
        Update(tracker);
        _ended.Should().BeEmpty();
        Update(tracker, new Rect(2, 2, 100, 100));
        _assignments[0].TrackId.Should().Be(id, "two missed frames are tolerated");

        Update(tracker);
        Update(tracker);
        Update(tracker);
        _ended.Should().Equal(id);
        tracker.ActiveTracks.Should().Be(0);

        Update(tracker, new Rect(2, 2, 100, 100));
        _assignments[0].TrackId.Should().NotBe(id);
        _assignments[0].IsNew.Should().BeTrue();
    }

    [Fact]
    public void A_detection_that_overlaps_no_track_enough_starts_a_new_one()
    {
        var tracker = new FaceTracker(new TrackerOptions { MatchIoU = 0.3f });
        Update(tracker, new Rect(0, 0, 100, 100));
        var id = _assignments[0].TrackId;
        Update(tracker, new Rect(60, 0, 100, 100)); // IoU 0.25
        _assignments[0].TrackId.Should().NotBe(id);
        tracker.ActiveTracks.Should().Be(2);
    }

    private void Update(FaceTracker tracker, params Rect[] boxes)
    {
        _ended.Clear();
        tracker.Update(boxes, _assignments, _ended);
    }
}
