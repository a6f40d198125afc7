using MaskTrainer.Augmentation;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Augmentation;

public sealed class ImageAugmenterTests
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static readonly AugmentationOptions Nothing = new()
    {
        Copies = 1, FlipHorizontal = false, MaxRotationDegrees = 0, MaxZoom = 0, MaxShear = 0, MaxBrightness = 0, MaxContrast = 0,
        Camera = CameraEffects.None,
    };

    /// <summary>A 40x30 image with a gradient and a bright block in the top-left corner: no symmetry at all.</summary>
    private static Mat Asymmetric()
    {
        const int w = 40, h = 30;
        var pixels = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int o = (y * w + x) * 3;
                bool block = x < 8 && y < 6;
                pixels[o] = (byte)(block ? 250 : x * 5);
                pixels[o + 1] = (byte)(block ? 250 : y * 7);
                pixels[o + 2] = (byte)((x * 3 + y * 2) % 256);
            }
        }

        return MatExtensions.FromPixels(pixels, h, w, MatType.CV_8UC3);
    }

    [Fact]
    public void The_same_seed_hash_and_copy_give_identical_pixels_and_others_differ()
    {
        var augmenter = new ImageAugmenter(new AugmentationOptions { Copies = 3, Seed = 5 });
        using var image = Asymmetric();

        using var a = augmenter.Apply(image, 2, Hash);
        using var b = new ImageAugmenter(new AugmentationOptions { Copies = 3, Seed = 5 }).Apply(image, 2, Hash);
        using var otherCopy = augmenter.Apply(image, 3, Hash);
        using var otherSeed = new ImageAugmenter(new AugmentationOptions { Copies = 3, Seed = 6 }).Apply(image, 2, Hash);

        a.GetBytes().ToArray().Should().Equal(b.GetBytes().ToArray());
        a.Width.Should().BeLessThanOrEqualTo(image.Width, "a distant copy is smaller, never larger");
        a.Type().Should().Be(MatType.CV_8UC3);
        a.GetBytes().SequenceEqual(image.GetBytes()).Should().BeFalse();
        a.GetBytes().SequenceEqual(otherCopy.GetBytes()).Should().BeFalse();
        a.GetBytes().SequenceEqual(otherSeed.GetBytes()).Should().BeFalse();
        augmenter.Sample(2, Hash).Should().Be(augmenter.Sample(2, Hash));
        augmenter.Sample(2, Hash).Should().NotBe(augmenter.Sample(2, "other"));
    }

    [Fact]
    public void Flip_only_copies_are_exact_mirrors_or_untouched()
    {
        var augmenter = new ImageAugmenter(Nothing with { FlipHorizontal = true });
        using var image = Asymmetric();
        using var mirrored = new Mat();
        Cv2.Flip(image, mirrored, FlipMode.Y);
        int flips = 0;

        for (int copy = 1; copy <= 20; copy++)
        {
            using var result = augmenter.Apply(image, copy, Hash);
            bool flipped = augmenter.Sample(copy, Hash).Flip;
            flips += flipped ? 1 : 0;
            result.GetBytes().ToArray().Should().Equal((flipped ? mirrored : image).GetBytes().ToArray(), $"copy {copy} flip={flipped}");
        }

        flips.Should().BeInRange(4, 16, "each copy flips with probability 1/2");
        mirrored.GetBytes()[(0 * 40 + 39) * 3].Should().Be(250, "the bright block moved to the top-right corner");
    }

    [Fact]
    public void Rotation_only_copies_equal_OpenCVs_rotation_about_the_centre()
    {
        var augmenter = new ImageAugmenter(Nothing with { MaxRotationDegrees = 15 });
        using var image = Asymmetric();

        for (int copy = 1; copy <= 3; copy++)
        {
            double angle = augmenter.Sample(copy, Hash).RotationDegrees;
            angle.Should().BeInRange(-15, 15).And.NotBe(0);
            using var result = augmenter.Apply(image, copy, Hash);
            using var expected = new Mat();
            var m = Cv2.GetRotationMatrix2D(new Point2f(19.5f, 14.5f), angle, 1);
            Cv2.WarpAffine(image, expected, m, image.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);

            var r = result.GetBytes().ToArray();
            var e = expected.GetBytes().ToArray();
            r.Zip(e, (x, y) => Math.Abs(x - y)).Max().Should().BeLessThanOrEqualTo(1);
            r.SequenceEqual(image.GetBytes().ToArray()).Should().BeFalse();
        }
    }

    [Fact]
    public void Brightness_and_contrast_map_pixels_linearly_around_mid_grey()
    {
        var augmenter = new ImageAugmenter(Nothing with { MaxBrightness = 0.3, MaxContrast = 0.3 });
        using var image = new Mat(4, 4, MatType.CV_8UC3, new Scalar(50, 128, 200));
        var p = augmenter.Sample(1, Hash);

        using var result = augmenter.Apply(image, 1, Hash);

        double Expected(double v) => Math.Clamp(Math.Round(((v - 128) * p.Contrast + 128) * p.Brightness), 0, 255);
        var px = result.GetBytes();
        px[0].Should().Be((byte)Expected(50));
        px[1].Should().Be((byte)Expected(128));
        px[2].Should().Be((byte)Expected(200));
        p.Brightness.Should().BeInRange(0.7, 1.3).And.NotBe(1);
        p.Contrast.Should().BeInRange(0.7, 1.3).And.NotBe(1);
    }

    [Fact]
    public void Draws_stay_within_the_configured_ranges()
    {
        var options = new AugmentationOptions { Copies = 1, MaxRotationDegrees = 7, MaxZoom = 0.05, MaxShear = 0.2, MaxBrightness = 0.1, MaxContrast = 0.3 };
        var augmenter = new ImageAugmenter(options);
        var samples = Enumerable.Range(1, 300).Select(k => augmenter.Sample(k, Hash)).ToArray();

        samples.Should().OnlyContain(s => Math.Abs(s.RotationDegrees) <= 7 && Math.Abs(s.Zoom - 1) <= 0.05 && Math.Abs(s.Shear) <= 0.2
            && Math.Abs(s.Brightness - 1) <= 0.1 && Math.Abs(s.Contrast - 1) <= 0.3);
        samples.Max(s => s.RotationDegrees).Should().BeGreaterThan(5, "the range is used, not just its middle");
        samples.Min(s => s.RotationDegrees).Should().BeLessThan(-5);
        samples.Count(s => s.Flip).Should().BeInRange(100, 200);
    }

    [Fact]
    public void The_geometry_matrix_composes_zoom_and_shear_about_the_centre()
    {
        var m = ImageAugmenter.Matrix(new AugmentationParameters(false, 0, 2, 0.5, 1, 1), new Size(11, 21));

        // centre (5, 10) stays put; x' = 2 (x - 5) + 2·0.5 (y - 10) + 5; y' = 2 (y - 10) + 10
        m.Should().Equal(2, 1, 5 - 10 - 10, 0, 2, 10 - 20);
        ImageAugmenter.Matrix(AugmentationParameters.Identity, new Size(11, 21)).Should().Equal(1, 0, 0, 0, 1, 0);
    }

    [Fact]
    public void The_cache_key_covers_every_option_that_changes_pixels_but_not_the_copy_count()
    {
        var baseline = new AugmentationOptions { Copies = 2 };
        string key = new ImageAugmenter(baseline).CacheKey;
        AugmentationOptions[] changed =
        [
            baseline with { FlipHorizontal = false }, baseline with { MaxRotationDegrees = 11 }, baseline with { MaxZoom = 0.2 },
            baseline with { MaxShear = 0.05 }, baseline with { MaxBrightness = 0.1 }, baseline with { MaxContrast = 0.1 }, baseline with { Seed = 1 },
            baseline with { Camera = CameraEffects.None }, baseline with { Camera = CameraEffects.Default with { MinFaceWidth = 16 } },
            baseline with { Camera = CameraEffects.Default with { JpegProbability = 0.2 } }, baseline with { SceneFillProbability = 0 },
        ];

        changed.Select(o => new ImageAugmenter(o).CacheKey).Should().OnlyHaveUniqueItems().And.NotContain(key);
        new ImageAugmenter(baseline with { Copies = 5 }).CacheKey.Should().Be(key);
    }

    [Fact]
    public void Out_of_range_options_and_copy_zero_are_refused()
    {
        FluentActions.Invoking(() => new ImageAugmenter(new AugmentationOptions { MaxZoom = -0.1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("MaxZoom must be between 0 and 0.9*");
        FluentActions.Invoking(() => new ImageAugmenter(new AugmentationOptions { Copies = -1 }))
            .Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new ImageAugmenter().Sample(0, Hash)).Should().Throw<ArgumentOutOfRangeException>();
        AugmentationOptions.Default.Copies.Should().Be(0);
        AugmentationOptions.Default.Describe().Should().Be("off");
    }

    [Fact]
    public void A_panorama_wider_or_taller_than_OpenCVs_warp_limit_is_augmented_downscaled()
    {
        // 34,000 px is past SHRT_MAX, where cv::warpAffine asserts; thin, so the test stays small.
        var augmenter = new ImageAugmenter(new AugmentationOptions { Copies = 2, Seed = 5 });
        using var wide = new Mat(8, 34_000, MatType.CV_8UC3, Scalar.All(128));
        using var tall = new Mat(34_000, 8, MatType.CV_8UC3, Scalar.All(128));

        using var wideCopy = augmenter.Apply(wide, 1, Hash);
        using var tallCopy = augmenter.Apply(tall, 2, Hash);

        wideCopy.Width.Should().BeInRange(1, ImageAugmenter.PanoramaSide);
        tallCopy.Height.Should().BeInRange(1, ImageAugmenter.PanoramaSide);
        wideCopy.Type().Should().Be(MatType.CV_8UC3);
    }
}
