using MaskTrainer.Detect.Alerts;
using MaskTrainer.Detect.Rendering;
using MaskTrainer.Imaging;
using OpenCvSharp;
using static MaskTrainer.Tests.Detect.DetectTestFrames;

namespace MaskTrainer.Tests.Detect;

public sealed class OverlayRendererTests
{
    private static readonly string[] Labels = ["with_mask", "without_mask"];

    [Fact]
    public void Boxes_are_green_for_a_mask_and_red_without_with_a_label_above()
    {
        using var packet = Packet(640, 480,
            (new Rect(100, 150, 120, 120), true, FaceAlerts.None),
            (new Rect(400, 150, 120, 120), false, FaceAlerts.None));
        new OverlayRenderer(Labels).Draw(packet, 30);

        Pixel(packet.Frame, 160, 150).Should().Be(((byte)0, (byte)255, (byte)0), "top edge of the masked face's box");
        Pixel(packet.Frame, 100, 260).Should().Be(((byte)0, (byte)255, (byte)0), "left edge");
        Pixel(packet.Frame, 460, 269).Should().Be(((byte)0, (byte)0, (byte)255), "bottom edge of the unmasked face's box");
        Pixel(packet.Frame, 160, 210).Should().Be(((byte)0, (byte)0, (byte)0), "inside the box nothing is drawn");

        // The label sits on a filled bar of the box colour just above the box.
        CountColour(packet.Frame, new Rect(100, 120, 120, 28), (0, 255, 0)).Should().BeGreaterThan(300);
        CountColour(packet.Frame, new Rect(400, 120, 120, 28), (0, 0, 255)).Should().BeGreaterThan(300);
    }

    [Fact]
    public void A_face_too_small_to_judge_gets_a_thin_grey_box_neither_green_nor_red()
    {
        using var packet = Packet(640, 480, (new Rect(300, 200, 14, 14), false, FaceAlerts.None));
        packet.Faces[0].Verdict = MaskTrainer.Detect.Classification.FaceVerdict.TooSmallToJudge;

        new OverlayRenderer(Labels).Draw(packet, 30);

        Pixel(packet.Frame, 306, 200).Should().Be(((byte)160, (byte)160, (byte)160), "top edge of the box");
        Pixel(packet.Frame, 306, 201).Should().Be(((byte)0, (byte)0, (byte)0), "one pixel thin: the box does not hide the small face");
        CountColour(packet.Frame, new Rect(280, 170, 60, 50), (0, 0, 255)).Should().Be(0, "not red: nothing was decided");
        CountColour(packet.Frame, new Rect(280, 170, 60, 50), (0, 255, 0)).Should().Be(0, "not green");
        CountColour(packet.Frame, new Rect(298, 180, 20, 20), (160, 160, 160)).Should().BeGreaterThan(3, "a '?' above the box");
    }

    [Fact]
    public void Labels_of_neighbouring_faces_never_cover_each_other_and_stay_in_the_frame()
    {
        // A row of five faces 30 px apart, each label 120 px wide: side by side they would overlap.
        var placed = new List<Rect>();
        var labels = new List<Rect>();
        for (int i = 0; i < 5; i++)
        {
            labels.Add(OverlayRenderer.PlaceLabel(new Rect(100 + 30 * i, 200, 28, 28), new Size(120, 24), 640, 480, placed));
        }

        labels[0].Should().Be(new Rect(100, 176, 120, 24), "the first label sits just above its box, like the seeds'");
        for (int a = 0; a < labels.Count; a++)
        {
            new Rect(0, 0, 640, 480).Contains(labels[a]).Should().BeTrue($"label {a} {labels[a]} is inside the frame");
            for (int b = a + 1; b < labels.Count; b++)
            {
                labels[a].IntersectsWith(labels[b]).Should().BeFalse($"labels {a} {labels[a]} and {b} {labels[b]} must not overlap");
            }
        }
    }

    [Fact]
    public void The_orange_lines_get_a_legend_only_while_they_are_drawn()
    {
        using var close = Packet(640, 480,
            (new Rect(100, 200, 100, 100), false, FaceAlerts.Distancing),
            (new Rect(400, 200, 100, 100), true, FaceAlerts.Distancing));
        close.ClosePairs.Add(new ClosePair(0, 1, 260));
        using var apart = Packet(640, 480,
            (new Rect(100, 200, 100, 100), false, FaceAlerts.None),
            (new Rect(400, 200, 100, 100), true, FaceAlerts.None));
        var renderer = new OverlayRenderer(Labels);
        renderer.Draw(close, 30);
        renderer.Draw(apart, 30);

        // The legend's swatch: orange pixels in the top-left panel, under the two counter lines.
        var legend = new Rect(0, 40, 80, 50);
        CountColour(close.Frame, legend, (0, 165, 255)).Should().BeGreaterThan(10);
        CountColour(apart.Frame, legend, (0, 165, 255)).Should().Be(0);
    }

    [Fact]
    public void Too_close_faces_are_joined_by_an_orange_line_and_the_proximity_banner_is_drawn()
    {
        using var packet = Packet(640, 480,
            (new Rect(100, 100, 200, 200), false, FaceAlerts.Proximity | FaceAlerts.Distancing),
            (new Rect(400, 150, 100, 100), true, FaceAlerts.Distancing));
        packet.ClosePairs.Add(new ClosePair(0, 1, 260));
        new OverlayRenderer(Labels).Draw(packet, 12.5);

        // Halfway between the centres (200,200) and (450,200).
        var mid = Pixel(packet.Frame, 325, 200);
        ((int)mid.B).Should().BeLessThan(20);
        ((int)mid.G).Should().BeInRange(140, 190);
        ((int)mid.R).Should().BeGreaterThan(220);

        // The banner covers the bottom rows across the whole width (dark red blended over black).
        var bottomLeft = Pixel(packet.Frame, 2, 477);
        bottomLeft.R.Should().BeGreaterThan(100);
        bottomLeft.B.Should().Be(0);
        CountColour(packet.Frame, new Rect(0, 430, 640, 50), (255, 255, 255)).Should().BeGreaterThan(100, "white banner text");
    }

    [Fact]
    public void No_banner_without_a_proximity_alert_and_the_status_panel_is_always_there()
    {
        using var packet = Packet(640, 480, (new Rect(100, 100, 100, 100), false, FaceAlerts.None));
        new OverlayRenderer(Labels).Draw(packet, 25);
        Pixel(packet.Frame, 2, 477).Should().Be(((byte)0, (byte)0, (byte)0));
        Count(packet.Frame, new Rect(0, 0, 120, 60), p => p.B > 180 && p.G > 180 && p.R > 180).Should().BeGreaterThan(50, "FPS and face count text (anti-aliased)");
    }

    [Fact]
    public void Nothing_is_drawn_over_a_label_a_later_faces_distancing_dot_included()
    {
        // Face 1's dot (centre 120,180) falls on face 0's label bar (just above y 200): drawn before the
        // labels it is hidden by the bar; before, it was drawn after face 0's label, over its text.
        using var packet = Packet(640, 480,
            (new Rect(100, 200, 100, 100), false, FaceAlerts.Distancing),
            (new Rect(90, 150, 60, 60), false, FaceAlerts.Distancing));
        packet.ClosePairs.Add(new ClosePair(0, 1, 50));
        new OverlayRenderer(Labels).Draw(packet, 30);

        var underLabel = new Rect(104, 184, 30, 12);
        CountColour(packet.Frame, underLabel, (0, 165, 255)).Should().Be(0, "no orange over face 0's label");
        Count(packet.Frame, underLabel, p => p.R > 200 && p.G < 60).Should().BeGreaterThan(0, "face 0's red label bar is there");
    }

    [Fact]
    public void The_status_panel_leaves_the_top_left_corner_to_a_face_and_its_label()
    {
        using var packet = Packet(640, 480,
            (new Rect(10, 40, 100, 100), false, FaceAlerts.Distancing),
            (new Rect(150, 40, 100, 100), false, FaceAlerts.Distancing));
        packet.ClosePairs.Add(new ClosePair(0, 1, 140));
        packet.Frame.SetTo(Scalar.White);
        new OverlayRenderer(Labels) { ShowFps = false }.Draw(packet, 0);

        // Face 0's label bar (y 16-40) stays solid red: before, the half-dark panel covered it.
        Count(packet.Frame, new Rect(12, 20, 60, 16), p => p == ((byte)0, (byte)0, (byte)255) || p == ((byte)255, (byte)255, (byte)255))
            .Should().Be(60 * 16, "the label bar is red with white text, not darkened");

        // The panel (black blended at 0.5 over white: grey) and its legend moved to the top-right corner.
        Count(packet.Frame, new Rect(560, 0, 80, 40), p => p.B is > 100 and < 150).Should().BeGreaterThan(500, "the panel is top right");
        Count(packet.Frame, new Rect(400, 0, 240, 100), p => p.B < 40 && p.G is > 140 and < 190 && p.R > 220).Should().BeGreaterThan(10, "the legend's swatch comes with it");
    }

    [Fact]
    public void A_videos_status_panel_stays_in_its_corner_while_nothing_is_under_it()
    {
        var panel = new Size(100, 50);
        var placed = new List<Rect>();
        var faces = new MaskTrainer.Detect.Pipeline.FaceResult[1];
        faces[0].Box = new Rect(300, 300, 80, 80);

        // Free everywhere: the last corner is kept (top right), not the first (top left).
        OverlayRenderer.PlaceStatus(panel, 640, 480, faces, placed, OverlayRenderer.Corner.TopRight).Should().Be(OverlayRenderer.Corner.TopRight);

        // A face under the top-right corner: the first free corner.
        faces[0].Box = new Rect(580, 10, 50, 50);
        OverlayRenderer.PlaceStatus(panel, 640, 480, faces, placed, OverlayRenderer.Corner.TopRight).Should().Be(OverlayRenderer.Corner.TopLeft);

        // The bottom corners sit above the banner.
        OverlayRenderer.At(OverlayRenderer.Corner.BottomLeft, panel, 640, 430).Should().Be(new Rect(0, 380, 100, 50));
    }

    [Fact]
    public void A_still_image_annotated_after_another_is_identical_to_it_annotated_alone()
    {
        // --images draws every image with one renderer. The first image's face under the top-left
        // corner sends its panel top right; a video's panel would stay there, a still image's must not.
        var renderer = new OverlayRenderer(Labels) { ShowFps = false };
        using var first = Packet(640, 480, (new Rect(10, 40, 100, 100), false, FaceAlerts.None));
        renderer.Draw(first, 0);
        using var second = Packet(640, 480, (new Rect(300, 300, 80, 80), true, FaceAlerts.None));
        second.Frame.SetTo(Scalar.White);
        renderer.Draw(second, 0);

        using var alone = Packet(640, 480, (new Rect(300, 300, 80, 80), true, FaceAlerts.None));
        alone.Frame.SetTo(Scalar.White);
        new OverlayRenderer(Labels) { ShowFps = false }.Draw(alone, 0);

        using var diff = new Mat();
        Cv2.Absdiff(second.Frame, alone.Frame, diff);
        Cv2.CountNonZero(diff.Reshape(1)).Should().Be(0, "the copy does not depend on the image drawn before it");
        Count(alone.Frame, new Rect(0, 0, 40, 20), p => p.B is > 100 and < 150).Should().BeGreaterThan(300, "the panel is top left, as alone");
    }

    [Fact]
    public void Still_images_show_the_face_count_but_no_frame_rate()
    {
        using var video = Packet(640, 480);
        using var still = Packet(640, 480);
        video.Frame.SetTo(Scalar.White);
        still.Frame.SetTo(Scalar.White);
        new OverlayRenderer(Labels).Draw(video, 0);
        new OverlayRenderer(Labels) { ShowFps = false }.Draw(still, 0);

        // The status panel darkens the white frame: one line of text instead of two.
        int videoPanel = PanelHeight(video.Frame), stillPanel = PanelHeight(still.Frame);
        stillPanel.Should().BeGreaterThan(10).And.BeLessThan(videoPanel * 2 / 3, "only \"Faces 0\", no \"FPS 0.0\"");
    }

    [Fact]
    public void Faces_at_the_frame_edges_are_drawn_without_errors()
    {
        using var packet = Packet(320, 240,
            (new Rect(-30, -20, 100, 100), true, FaceAlerts.None),
            (new Rect(280, 200, 100, 100), false, FaceAlerts.Proximity));
        new OverlayRenderer(Labels).Draw(packet, 0);
        CountColour(packet.Frame, new Rect(0, 0, 200, 30), (0, 255, 0)).Should().BeGreaterThan(0, "the label moves inside the frame");
    }

    [Fact]
    public void Text_and_lines_keep_their_size_up_to_1080p_and_grow_with_larger_frames()
    {
        // What the overlay drew before sizes grew past 1080p: 720p and 1080p look as they did.
        OverlayRenderer.SizesFor(640, 480).Should().Be((640 / 1100.0, 2, 1));
        OverlayRenderer.SizesFor(1280, 720).Should().Be((1280 / 1100.0, 3, 2));
        OverlayRenderer.SizesFor(1920, 1080).Should().Be((1.5, 4, 2));

        var (scale, thickness, text) = OverlayRenderer.SizesFor(8000, 6000);
        scale.Should().BeApproximately(8000 / 1466.7, 0.01, "seen whole on a screen, the labels read as a 1080p frame's");
        thickness.Should().Be(16);
        text.Should().Be(9);
        OverlayRenderer.SizesFor(8000, 1000).Scale.Should().Be(1.5, "a panorama's text stays in proportion to its height");
    }

    [Fact]
    public void A_large_photo_gets_a_label_as_large_in_proportion_as_a_1080p_frame()
    {
        int LabelHeight(int width, int height, Rect box)
        {
            using var packet = Packet(width, height, (box, true, FaceAlerts.None));
            new OverlayRenderer(Labels).Draw(packet, 0);
            int y = box.Y - 1, x = box.X + 2;
            while (y >= 0 && Pixel(packet.Frame, x, y) == ((byte)0, (byte)255, (byte)0))
            {
                y--;
            }

            return box.Y - 1 - y;
        }

        int full = LabelHeight(1920, 1080, new Rect(600, 400, 300, 300));
        int large = LabelHeight(7680, 4320, new Rect(2400, 1600, 1200, 1200)); // the same picture, 4x larger
        full.Should().BeGreaterThan(20);
        large.Should().BeInRange(3 * full, 5 * full, "the label grows with the picture (it was the 1080p one's size, a quarter in proportion)");
    }

    [Fact]
    public void Overlay_strings_are_cached_not_rebuilt_per_frame()
    {
        var cache = new TextCache(["Mask", "No Mask"]);
        cache.Label(0, 0.9731f).Should().Be("Mask 97.3%");
        cache.Label(1, 1f).Should().Be("No Mask 100.0%");
        cache.Label(0, 0.9731f).Should().BeSameAs(cache.Label(0, 0.97309f));
        cache.Fps(31.24).Should().Be("FPS 31.2").And.BeSameAs(cache.Fps(31.2));
        cache.Faces(3).Should().Be("Faces 3").And.BeSameAs(cache.Faces(3));
        cache.Faces(5000).Should().Be("Faces 5000");
    }

    private static int PanelHeight(Mat image)
    {
        int y = 0, rows = image.Rows;
        while (y < rows && Pixel(image, 1, y) != ((byte)255, (byte)255, (byte)255))
        {
            y++;
        }

        return y;
    }

    private static int CountColour(Mat image, Rect region, (byte B, byte G, byte R) colour) =>
        Count(image, region, p => p == colour);

    private static int Count(Mat image, Rect region, Func<(byte B, byte G, byte R), bool> match)
    {
        int n = 0;
        int rows = image.Rows, cols = image.Cols;
        for (int y = Math.Max(0, region.Y); y < Math.Min(rows, region.Bottom); y++)
        {
            for (int x = Math.Max(0, region.X); x < Math.Min(cols, region.Right); x++)
            {
                n += match(Pixel(image, x, y)) ? 1 : 0;
            }
        }

        return n;
    }
}
