using MaskTrainer.Detect.Alerts;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Detect;

public sealed class AlertGeometryTests
{
    [Fact]
    public void Proximity_flags_only_unmasked_faces_wider_than_the_fraction_of_the_frame()
    {
        // 1000 px frame, threshold 0.25 -> faces wider than 250 px are too near.
        Rect[] boxes = [new(0, 0, 251, 251), new(400, 0, 250, 250), new(700, 0, 300, 300)];
        bool[] masked = [false, false, true];
        var alerts = new FaceAlerts[3];
        var pairs = new List<ClosePair>();
        var options = new AlertOptions { ProximityWidth = 0.25, MinDistance = new DistanceThreshold(0, DistanceUnit.Pixels) };

        AlertGeometry.Evaluate(boxes, masked, 1000, options, alerts, pairs);

        alerts.Should().Equal(FaceAlerts.Proximity, FaceAlerts.None, FaceAlerts.None);
        pairs.Should().BeEmpty();
    }

    [Fact]
    public void A_face_whose_width_hovers_at_the_limit_keeps_its_proximity_alert_until_clearly_narrower()
    {
        // 1000 px frame, limit 0.25: on above 250 px, off only under 0.9 x 250 = 225 px.
        var latch = new ProximityLatch();
        var options = new AlertOptions { ProximityWidth = 0.25, MinDistance = new DistanceThreshold(0, DistanceUnit.Pixels) };
        var alerts = new FaceAlerts[1];
        var pairs = new List<ClosePair>();
        var seen = new List<bool>();
        foreach (int width in new[] { 240, 252, 248, 251, 230, 226, 224, 240, 249, 251 })
        {
            Rect[] box = [new(0, 0, width, width)];
            AlertGeometry.Evaluate(box, [false], 1000, options, alerts, pairs);
            latch.Apply([7], box, [false], 1000, options.ProximityWidth, alerts);
            seen.Add(alerts[0] == FaceAlerts.Proximity);
        }

        seen.Should().Equal(false, true, true, true, true, true, false, false, false, true);

        // A masked face never keeps it; another track does not inherit it.
        Rect[] wide = [new(0, 0, 260, 260)];
        AlertGeometry.Evaluate(wide, [false], 1000, options, alerts, pairs);
        latch.Apply([7], wide, [false], 1000, options.ProximityWidth, alerts);
        Rect[] hovering = [new(0, 0, 240, 240)];
        AlertGeometry.Evaluate(hovering, [true], 1000, options, alerts, pairs);
        latch.Apply([7], hovering, [true], 1000, options.ProximityWidth, alerts);
        alerts[0].Should().Be(FaceAlerts.None);
        AlertGeometry.Evaluate(hovering, [false], 1000, options, alerts, pairs);
        latch.Apply([8], hovering, [false], 1000, options.ProximityWidth, alerts);
        alerts[0].Should().Be(FaceAlerts.None);
    }

    [Fact]
    public void Distancing_in_pixels_compares_centre_distance_with_the_threshold()
    {
        // Centres (50,50), (150,50) -> 100 px apart; (50,350) -> 300 px from the first.
        Rect[] boxes = [new(0, 0, 100, 100), new(100, 0, 100, 100), new(0, 300, 100, 100)];
        var alerts = new FaceAlerts[3];
        var pairs = new List<ClosePair>();

        AlertGeometry.Evaluate(boxes, [true, true, true], 2000,
            new AlertOptions { MinDistance = new DistanceThreshold(101, DistanceUnit.Pixels) }, alerts, pairs);

        alerts.Should().Equal(FaceAlerts.Distancing, FaceAlerts.Distancing, FaceAlerts.None);
        pairs.Should().ContainSingle().Which.Should().Be(new ClosePair(0, 1, 100));

        // Exactly at the threshold is not "closer than".
        AlertGeometry.Evaluate(boxes, [true, true, true], 2000,
            new AlertOptions { MinDistance = new DistanceThreshold(100, DistanceUnit.Pixels) }, alerts, pairs);
        alerts.Should().OnlyContain(a => a == FaceAlerts.None);
        pairs.Should().BeEmpty();
    }

    [Fact]
    public void Distancing_in_face_widths_scales_with_the_faces()
    {
        // Two 40 px faces 100 px apart: 2.5 face widths. Two 200 px faces 500 px apart: also 2.5.
        var small = (a: new Rect(0, 0, 40, 40), b: new Rect(100, 0, 40, 40));
        var large = (a: new Rect(0, 0, 200, 200), b: new Rect(500, 0, 200, 200));
        var threeWidths = new DistanceThreshold(3, DistanceUnit.FaceWidths);
        var twoWidths = new DistanceThreshold(2, DistanceUnit.FaceWidths);

        AlertGeometry.AreTooClose(small.a, small.b, threeWidths).Should().BeTrue();
        AlertGeometry.AreTooClose(large.a, large.b, threeWidths).Should().BeTrue();
        AlertGeometry.AreTooClose(small.a, small.b, twoWidths).Should().BeFalse();
        AlertGeometry.AreTooClose(large.a, large.b, twoWidths).Should().BeFalse();

        // Mixed sizes use the mean width: (40 + 200) / 2 = 120 px per width.
        threeWidths.PixelsFor(small.a, large.a).Should().Be(360);
    }

    [Fact]
    public void A_face_can_raise_both_alerts_and_masked_faces_still_count_for_distancing()
    {
        Rect[] boxes = [new(0, 0, 400, 400), new(300, 0, 100, 100)];
        var alerts = new FaceAlerts[2];
        var pairs = new List<ClosePair>();

        AlertGeometry.Evaluate(boxes, [false, true], 1000, new AlertOptions(), alerts, pairs);

        alerts[0].Should().Be(FaceAlerts.Proximity | FaceAlerts.Distancing);
        alerts[1].Should().Be(FaceAlerts.Distancing);
        AlertGeometry.CentreDistance(boxes[0], boxes[1]).Should().BeApproximately(Math.Sqrt(150 * 150 + 150 * 150), 1e-9);
    }

    [Theory]
    [InlineData("120", 120, DistanceUnit.Pixels)]
    [InlineData("120px", 120, DistanceUnit.Pixels)]
    [InlineData(" 2.5W ", 2.5, DistanceUnit.FaceWidths)]
    [InlineData("0", 0, DistanceUnit.Pixels)]
    public void Distance_thresholds_parse_pixels_and_face_widths(string text, double value, DistanceUnit unit)
    {
        DistanceThreshold.TryParse(text, out var t, out _).Should().BeTrue();
        t.Should().Be(new DistanceThreshold(value, unit));
        DistanceThreshold.TryParse(t.ToString(), out var again, out _).Should().BeTrue();
        again.Should().Be(t);
    }

    [Theory]
    [InlineData("", "is not a distance")]
    [InlineData("far", "is not a distance")]
    [InlineData("3m", "is not a distance")]
    [InlineData("-5", "cannot be negative")]
    [InlineData("NaN", "is not a distance")]
    public void Bad_distance_thresholds_are_rejected_with_a_reason(string text, string reason)
    {
        DistanceThreshold.TryParse(text, out _, out var problem).Should().BeFalse();
        problem.Should().Contain(reason);
    }
}
