using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

public class MaskGeometryTests
{
    private static readonly MaskAppearance Cloth = new() { Style = MaskStyle.Cloth };

    [Fact]
    public void Upright_face_mask_runs_from_the_nose_bridge_to_below_the_chin_and_cheek_to_cheek()
    {
        var face = TestFaces.Upright;
        var g = MaskGeometry.Place(face, Cloth with { NoseBridge = 0.5, ChinDrop = 0.7, SideReach = 0.9 });

        // Top edge halfway down the nose: eyes at y 100, nose tip at 124.
        g.NoseBridge.X.Should().BeApproximately(120, 0.01f);
        g.NoseBridge.Y.Should().BeApproximately(112, 0.01f);

        // Bottom 0.7 of the eye-to-mouth distance (42 px) below the mouth.
        g.Chin.X.Should().BeApproximately(120, 0.01f);
        g.Chin.Y.Should().BeApproximately(142 + (0.7f * 42), 0.01f);

        // Sides 90% of the way from the mouth to each ear.
        g.RightCheek.X.Should().BeApproximately(120 - (0.9f * 42), 0.01f);
        g.LeftCheek.X.Should().BeApproximately(120 + (0.9f * 42), 0.01f);

        // The outline covers nose tip and mouth, leaves the eyes free, and is symmetric.
        g.Bounds.Y.Should().BeGreaterThan(100).And.BeLessThan(124);
        g.Bounds.Bottom.Should().BeGreaterThan(171);
        g.Bounds.X.Should().BeLessThan(100);
        g.Bounds.Right.Should().BeGreaterThan(140);
        Contains(g.Outline, face.Mouth).Should().BeTrue();
        Contains(g.Outline, face.NoseTip).Should().BeTrue();
        Contains(g.Outline, face.RightEye).Should().BeFalse();
        Contains(g.Outline, face.LeftEye).Should().BeFalse();
        (g.Bounds.X + g.Bounds.Right).Should().BeCloseTo(240, 2);
    }

    [Theory]
    [InlineData(25)]
    [InlineData(-40)]
    [InlineData(90)]
    public void Mask_turns_with_the_eye_line(double degrees)
    {
        var centre = new Point2f(120, 120);
        var upright = MaskGeometry.Place(TestFaces.Upright, Cloth);
        var rolled = MaskGeometry.Place(TestFaces.Map(TestFaces.Upright, p => TestFaces.Rotate(p, centre, degrees)), Cloth);

        rolled.Outline.Should().HaveCount(upright.Outline.Count);
        for (int i = 0; i < upright.Outline.Count; i++)
        {
            var expected = TestFaces.Rotate(upright.Outline[i], centre, degrees);
            rolled.Outline[i].X.Should().BeApproximately(expected.X, 0.01f);
            rolled.Outline[i].Y.Should().BeApproximately(expected.Y, 0.01f);
        }
    }

    [Fact]
    public void Mask_scales_with_the_face()
    {
        var small = MaskGeometry.Place(TestFaces.Upright, Cloth);
        var large = MaskGeometry.Place(TestFaces.Map(TestFaces.Upright, p => new Point2f(p.X * 2.5f, p.Y * 2.5f)), Cloth);
        for (int i = 0; i < small.Outline.Count; i++)
        {
            large.Outline[i].X.Should().BeApproximately(small.Outline[i].X * 2.5f, 0.01f);
            large.Outline[i].Y.Should().BeApproximately(small.Outline[i].Y * 2.5f, 0.01f);
        }
    }

    [Fact]
    public void Face_turned_to_one_side_gets_a_narrower_far_side()
    {
        // Head turned towards the subject's left: the nose and mouth move left on screen... here,
        // towards the right ear, which comes closer to the midline.
        var turned = TestFaces.Upright with
        {
            NoseTip = new Point2f(108, 124),
            Mouth = new Point2f(110, 142),
            RightEar = new Point2f(90, 110),
            LeftEar = new Point2f(165, 110),
        };
        var g = MaskGeometry.Place(turned, Cloth);
        (g.MidU - g.RightU).Should().BeLessThan(g.LeftU - g.MidU);
        g.Chin.X.Should().BeApproximately(110, 0.01f);
    }

    [Fact]
    public void Styles_differ_in_shape_and_a_pointed_n95_reaches_higher_at_the_nose_than_at_the_cheeks()
    {
        var n95 = MaskGeometry.Place(TestFaces.Upright, new MaskAppearance { Style = MaskStyle.N95 });
        var surgical = MaskGeometry.Place(TestFaces.Upright, new MaskAppearance { Style = MaskStyle.Surgical });
        (n95.SideTopV - n95.TopV).Should().BeGreaterThan(surgical.SideTopV - surgical.TopV);
        n95.Outline.Count.Should().NotBe(surgical.Outline.Count);
    }

    [Fact]
    public void Fraction_inside_measures_how_much_of_the_mask_a_border_cuts()
    {
        var g = MaskGeometry.Place(TestFaces.Upright, Cloth);
        g.FractionInside(new Rect(0, 0, 400, 400)).Should().BeApproximately(1, 1e-6);
        g.FractionInside(new Rect(0, 0, 120, 400)).Should().BeApproximately(0.5, 0.01); // symmetric about x = 120
        g.FractionInside(new Rect(300, 300, 10, 10)).Should().Be(0);
    }

    [Fact]
    public void Landmarks_need_six_points()
    {
        var act = () => FaceLandmarks.FromPoints([new Point2f(1, 1), new Point2f(2, 2)]);
        act.Should().Throw<ArgumentException>().WithMessage("*6 landmarks*got 2*");
    }

    [Fact]
    public void Face_frame_round_trips_image_points()
    {
        var rolled = TestFaces.Map(TestFaces.Upright, p => TestFaces.Rotate(p, new Point2f(50, 70), 33));
        var frame = FaceFrame.From(rolled);
        var (u, v) = frame.ToFace(rolled.LeftEye);
        u.Should().BeApproximately(0.5, 1e-5);
        v.Should().BeApproximately(0, 1e-5);
        var (mu, mv) = frame.ToFace(rolled.Mouth);
        mu.Should().BeApproximately(0, 1e-5);
        mv.Should().BeApproximately(42.0 / 40, 1e-5);
        var back = frame.ToImage(mu, mv);
        back.X.Should().BeApproximately(rolled.Mouth.X, 1e-3f);
        back.Y.Should().BeApproximately(rolled.Mouth.Y, 1e-3f);
    }

    private static bool Contains(IReadOnlyList<Point2f> polygon, Point2f p)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            if ((polygon[i].Y > p.Y) != (polygon[j].Y > p.Y)
                && p.X < ((polygon[j].X - polygon[i].X) * (p.Y - polygon[i].Y) / (polygon[j].Y - polygon[i].Y)) + polygon[i].X)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
