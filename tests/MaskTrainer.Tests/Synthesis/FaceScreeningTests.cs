using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

public class FaceScreeningTests
{
    private static readonly FaceScreeningOptions Defaults = new();
    private static readonly Rect Photo = new(0, 0, 400, 400);
    private static readonly Rect Box = new(75, 75, 90, 110);

    [Fact]
    public void Frontal_face_well_inside_the_photo_passes()
    {
        var geometry = MaskGeometry.Place(TestFaces.Upright, new MaskAppearance());
        FaceScreening.Check(Box, TestFaces.Upright, Photo, Defaults, geometry).Should().BeNull();
    }

    [Fact]
    public void Face_without_landmarks_is_skipped_as_such()
    {
        FaceScreening.Check(Box, null, Photo, Defaults).Should().Be(SkipReason.NoLandmarks);
    }

    [Fact]
    public void Face_with_eyes_closer_than_the_minimum_is_too_small()
    {
        var tiny = TestFaces.Map(TestFaces.Upright, p => new Point2f(p.X / 4, p.Y / 4)); // eyes 10 px apart
        FaceScreening.Check(new Rect(19, 19, 23, 28), tiny, Photo, Defaults).Should().Be(SkipReason.TooSmall);
        FaceScreening.Check(new Rect(19, 19, 23, 28), tiny, Photo, Defaults with { MinEyeDistance = 8 }).Should().BeNull();
    }

    [Fact]
    public void Face_turned_sideways_or_rolled_over_is_too_turned()
    {
        // Profile-like: nose and mouth next to the left ear, far from the right one.
        var profile = TestFaces.Upright with { NoseTip = new Point2f(150, 124), Mouth = new Point2f(146, 142), LeftEar = new Point2f(158, 110) };
        profile.TurnRatio.Should().BeGreaterThan(Defaults.MaxTurn);
        FaceScreening.Check(Box, profile, Photo, Defaults).Should().Be(SkipReason.TooTurned);

        var rolled = TestFaces.Map(TestFaces.Upright, p => TestFaces.Rotate(p, new Point2f(120, 120), 70));
        FaceScreening.Check(Box, rolled, Photo, Defaults).Should().Be(SkipReason.TooTurned);

        // Mouth level with the eyes: no upright face looks like that.
        var flat = TestFaces.Upright with { Mouth = new Point2f(120, 105) };
        FaceScreening.Check(Box, flat, Photo, Defaults).Should().Be(SkipReason.TooTurned);
    }

    [Fact]
    public void Face_or_mask_cut_by_the_photo_border_is_skipped()
    {
        // The photo ends at the mouth: the face box is mostly inside, half the mask is not.
        var shortPhoto = new Rect(0, 0, 400, 142);
        var geometry = MaskGeometry.Place(TestFaces.Upright, new MaskAppearance());
        FaceScreening.Check(new Rect(75, 60, 90, 88), TestFaces.Upright, shortPhoto, Defaults, geometry).Should().Be(SkipReason.CutByBorder);

        // Face box half outside on the left.
        FaceScreening.Check(new Rect(-45, 75, 90, 110), TestFaces.Upright, Photo, Defaults).Should().Be(SkipReason.CutByBorder);
    }
}
