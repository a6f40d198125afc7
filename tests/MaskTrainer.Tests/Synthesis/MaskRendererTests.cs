using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

public class MaskRendererTests
{
    [Fact]
    public void Black_mask_darkens_the_mouth_and_leaves_the_eyes_and_background_alone()
    {
        using var image = TestFaces.GreyImage();
        using var before = image.Clone();
        var black = new MaskAppearance { Style = MaskStyle.Cloth, Color = MaskColor.FromRgb(25, 25, 28), EarLoops = false };
        MaskRenderer.Render(image, TestFaces.Upright, black);

        var mouth = TestFaces.Pixel(image, TestFaces.Upright.Mouth);
        mouth.B.Should().BeLessThan(60);
        mouth.R.Should().BeLessThan(60);
        TestFaces.Pixel(image, TestFaces.Upright.RightEye).Should().Be(TestFaces.Pixel(before, TestFaces.Upright.RightEye));
        TestFaces.Pixel(image, TestFaces.Upright.LeftEye).Should().Be(TestFaces.Pixel(before, TestFaces.Upright.LeftEye));
        TestFaces.Pixel(image, new Point2f(10, 10)).Should().Be(TestFaces.Pixel(before, new Point2f(10, 10)));
    }

    [Fact]
    public void Light_blue_surgical_mask_is_blue_where_it_covers()
    {
        using var image = TestFaces.GreyImage();
        MaskRenderer.Render(image, TestFaces.Upright, new MaskAppearance { Style = MaskStyle.Surgical });
        var chin = TestFaces.Pixel(image, new Point2f(120, 150));
        chin.B.Should().BeGreaterThan(chin.R);
    }

    [Fact]
    public void Same_inputs_give_identical_pixels_and_another_grain_seed_changes_them()
    {
        var rng = new Random(3);
        var appearance = MaskAppearance.Random(rng);
        using var a = TestFaces.GreyImage();
        using var b = TestFaces.GreyImage();
        using var c = TestFaces.GreyImage();
        MaskRenderer.Render(a, TestFaces.Upright, appearance);
        MaskRenderer.Render(b, TestFaces.Upright, appearance);
        MaskRenderer.Render(c, TestFaces.Upright, appearance with { GrainSeed = appearance.GrainSeed + 1 });
        a.GetBytes().SequenceEqual(b.GetBytes()).Should().BeTrue();
        a.GetBytes().SequenceEqual(c.GetBytes()).Should().BeFalse();
    }

    [Theory]
    [InlineData(MaskStyle.Surgical)]
    [InlineData(MaskStyle.Cloth)]
    [InlineData(MaskStyle.N95)]
    [InlineData(MaskStyle.Patterned)]
    public void Every_style_draws_on_a_face_cut_by_the_image_border(MaskStyle style)
    {
        // The face sits on the bottom-right corner: most of the mask falls outside the image.
        using var image = new Mat(130, 130, MatType.CV_8UC3, new Scalar(128, 128, 128));
        var appearance = MaskAppearance.Random(new Random(11), [style]);
        var geometry = MaskRenderer.Render(image, TestFaces.Upright, appearance);
        geometry.FractionInside(new Rect(0, 0, 130, 130)).Should().BeLessThan(0.5);
        image.GetBytes().ToArray().Any(v => v != 128).Should().BeTrue();
    }

    [Fact]
    public void Face_entirely_outside_the_image_changes_nothing()
    {
        using var image = new Mat(50, 50, MatType.CV_8UC3, new Scalar(90, 90, 90));
        MaskRenderer.Render(image, TestFaces.Upright, new MaskAppearance { EarLoops = false });
        image.GetBytes().ToArray().Should().OnlyContain(v => v == 90);
    }

    [Fact]
    public void Rejects_images_that_are_not_8_bit_bgr()
    {
        using var grey = new Mat(200, 200, MatType.CV_8UC1, Scalar.All(0));
        var act = () => MaskRenderer.Render(grey, TestFaces.Upright, new MaskAppearance());
        act.Should().Throw<ArgumentException>().WithMessage("*8-bit BGR*");
    }

    [Fact]
    public void Masks_follow_the_scene_light_a_white_mask_in_a_dark_photo_is_grey()
    {
        using var bright = new Mat(240, 240, MatType.CV_8UC3, new Scalar(170, 185, 210));
        using var dark = new Mat(240, 240, MatType.CV_8UC3, new Scalar(45, 50, 60));
        var white = new MaskAppearance { Style = MaskStyle.Cloth, Color = MaskColor.FromRgb(240, 240, 240), EarLoops = false, Grain = 0 };
        MaskRenderer.Render(bright, TestFaces.Upright, white);
        MaskRenderer.Render(dark, TestFaces.Upright, white);
        var lit = TestFaces.Pixel(bright, TestFaces.Upright.Mouth);
        var unlit = TestFaces.Pixel(dark, TestFaces.Upright.Mouth);
        lit.G.Should().BeGreaterThan(200);
        unlit.G.Should().BeLessThan(lit.G).And.BeLessThan(160);
    }
}
