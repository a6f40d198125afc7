using MaskTrainer.Detect.Tracking;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Detect;

public sealed class FaceTrackerTests
{
    private readonly TrackAssignment[] _assignments = new TrackAssignment[8];
    private readonly List<int> _ended = [];
    private readonly List<HeldTrack> _held = [];

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
    public void Frames_a_face_was_missed_in_count_towards_its_next_classification()
    {
        var tracker = new FaceTracker(new TrackerOptions { ReclassifyEvery = 4, MaxMissedFrames = 5 });
        Update(tracker, new Rect(0, 0, 100, 100));
        Update(tracker);
        Update(tracker);
        Update(tracker);
        Update(tracker, new Rect(1, 0, 100, 100)); // back, same crop: 4 frames since its classification

        _assignments[0].IsNew.Should().BeFalse();
        _assignments[0].Classify.Should().BeTrue("it is due every 4 frames, not every 4 detections");
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

    [Fact]
    public void A_confirmed_track_missed_for_up_to_HoldFrames_is_held_at_its_last_box_then_no_longer()
    {
        var tracker = new FaceTracker(new TrackerOptions { HoldFrames = 2, MaxMissedFrames = 10, ConfirmFrames = 3 });
        Update(tracker, new Rect(0, 0, 100, 100));
        Update(tracker, new Rect(2, 0, 100, 100));
        Update(tracker, new Rect(4, 2, 100, 100));
        var id = _assignments[0].TrackId;
        _held.Should().BeEmpty("the face was detected");

        Update(tracker);
        _held.Should().Equal(new HeldTrack(id, new Rect(4, 2, 100, 100), 1));
        Update(tracker);
        _held.Should().Equal(new HeldTrack(id, new Rect(4, 2, 100, 100), 2));
        Update(tracker);
        _held.Should().BeEmpty("three misses are more than HoldFrames");
        _ended.Should().BeEmpty("the track itself lives on (MaxMissedFrames)");
        tracker.ActiveTracks.Should().Be(1);
    }

    [Fact]
    public void A_track_seen_in_fewer_than_ConfirmFrames_frames_is_never_held()
    {
        // The second box is a false detection that came once and stood in on the next frame (as the
        // default detector's extra passes do on video): two frames, not confirmed.
        var tracker = new FaceTracker(new TrackerOptions { HoldFrames = 2 });
        TrackerOptions.Default.ConfirmFrames.Should().Be(3);
        Update(tracker, new Rect(0, 0, 100, 100), new Rect(300, 0, 100, 100));
        Update(tracker, new Rect(2, 0, 100, 100), new Rect(300, 0, 100, 100));
        Update(tracker, new Rect(4, 0, 100, 100));
        _held.Should().BeEmpty();
        var face = _assignments[0].TrackId;
        Update(tracker);
        _held.Select(h => h.TrackId).Should().Equal([face], "only the track seen in three frames is held");

        // With ConfirmFrames = 1 even a one-frame detection is held.
        tracker = new FaceTracker(new TrackerOptions { HoldFrames = 2, ConfirmFrames = 1 });
        Update(tracker, new Rect(300, 0, 100, 100));
        Update(tracker);
        _held.Should().ContainSingle();
    }

    [Fact]
    public void A_held_track_matched_again_continues_with_the_same_id_and_is_held_again_after_a_new_miss()
    {
        var tracker = new FaceTracker(new TrackerOptions { HoldFrames = 2, ReclassifyEvery = 100 });
        Update(tracker, new Rect(0, 0, 100, 100));
        Update(tracker, new Rect(1, 0, 100, 100));
        Update(tracker, new Rect(2, 0, 100, 100));
        var id = _assignments[0].TrackId;
        Update(tracker);
        Update(tracker);
        _held.Should().ContainSingle().Which.TrackId.Should().Be(id);

        Update(tracker, new Rect(6, 0, 100, 100));
        _assignments[0].TrackId.Should().Be(id);
        _assignments[0].IsNew.Should().BeFalse();
        _assignments[0].Classify.Should().BeFalse("the box barely moved and the held frames did not count as classifications");
        _held.Should().BeEmpty();

        Update(tracker);
        _held.Should().Equal([new HeldTrack(id, new Rect(6, 0, 100, 100), 1)], "the miss count starts again");
    }

    [Fact]
    public void A_track_is_not_held_where_a_detection_of_this_frame_covers_its_centre()
    {
        // The face's box jumped (another detector pass, a turned head): it starts a new track; the
        // old one must not be shown beside it as a second face.
        var tracker = new FaceTracker(new TrackerOptions { HoldFrames = 2, MatchIoU = 0.3f });
        Update(tracker, new Rect(100, 100, 100, 100));
        Update(tracker, new Rect(100, 100, 100, 100));
        Update(tracker, new Rect(100, 100, 100, 100));
        Update(tracker, new Rect(40, 40, 220, 220)); // IoU 0.21: a new track, over the old one's centre
        _assignments[0].IsNew.Should().BeTrue();
        _held.Should().BeEmpty();

        // A face elsewhere in the frame does not stand for it.
        tracker = new FaceTracker(new TrackerOptions { HoldFrames = 2, MatchIoU = 0.3f });
        Update(tracker, new Rect(100, 100, 100, 100));
        Update(tracker, new Rect(100, 100, 100, 100));
        Update(tracker, new Rect(100, 100, 100, 100));
        Update(tracker, new Rect(400, 100, 100, 100));
        _held.Should().ContainSingle().Which.Box.Should().Be(new Rect(100, 100, 100, 100));

        // Nor does a near face whose box holds, in its corner, the centre of a far narrower one (the
        // detector's rule, TiledFaceDetector.InnerFaceWidthRatio): the far face missed for a frame is held.
        tracker = new FaceTracker(new TrackerOptions { HoldFrames = 2, MatchIoU = 0.3f });
        var near = new Rect(100, 50, 600, 600);
        var far = new Rect(110, 60, 50, 50);
        Update(tracker, near, far);
        Update(tracker, near, far);
        Update(tracker, near, far);
        Update(tracker, near);
        _held.Should().ContainSingle().Which.Box.Should().Be(far);

        // A narrow box centred on the near face is part of it: missed, it is not held. Nor is a face's
        // box when only a box on its eyes is found: that box lies on the face, whichever is larger.
        var face = new Rect(100, 100, 200, 240);
        var eyes = new Rect(140, 150, 120, 60);
        foreach (var (lost, kept) in new[] { (new Rect(375, 300, 50, 50), near), (face, eyes) })
        {
            tracker = new FaceTracker(new TrackerOptions { HoldFrames = 2, MatchIoU = 0.3f });
            Update(tracker, kept, lost);
            Update(tracker, kept, lost);
            Update(tracker, kept, lost);
            Update(tracker, kept);
            _held.Should().BeEmpty($"{lost} and {kept} are one face");
        }
    }

    [Fact]
    public void HoldFrames_0_holds_nothing_and_out_of_range_values_are_refused()
    {
        // A confirmed track (three frames) missed once: held by default, not with HoldFrames 0.
        foreach (var (hold, expected) in new[] { (2, 1), (0, 0) })
        {
            var tracker = new FaceTracker(new TrackerOptions { HoldFrames = hold });
            Update(tracker, new Rect(0, 0, 100, 100));
            Update(tracker, new Rect(0, 0, 100, 100));
            Update(tracker, new Rect(0, 0, 100, 100));
            Update(tracker);
            _held.Should().HaveCount(expected, $"HoldFrames {hold}");
        }

        TrackerOptions.Default.HoldFrames.Should().Be(2);

        FluentActions.Invoking(() => new FaceTracker(new TrackerOptions { HoldFrames = -1 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("HoldFrames");
        FluentActions.Invoking(() => new FaceTracker(new TrackerOptions { HoldFrames = 3, MaxMissedFrames = 2 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("HoldFrames");
        FluentActions.Invoking(() => new FaceTracker(new TrackerOptions { ConfirmFrames = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ConfirmFrames");
    }

    private void Update(FaceTracker tracker, params Rect[] boxes)
    {
        _ended.Clear();
        tracker.Update(boxes, _assignments, _ended, _held);
    }
}
