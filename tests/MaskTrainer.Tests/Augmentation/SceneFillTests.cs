using MaskTrainer.Augmentation;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Augmentation;

public sealed class SceneFillTests
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    // A 60x60 crop whose photo ends at row 45 (the rest is replicated border, as FaceCropper makes it),
    // with the face box at (10, 10) 40x44 reaching 9 rows past the photo; the margin around it is blank.
    private static readonly Rect Photo = new(-5, -8, 80, 53);
    private static readonly Rect Box = new(10, 10, 40, 44);

    /// <summary>A 60x60 BGR crop: a gradient photo down to row 45, its last row replicated below, mid-grey outside <see cref="Box"/>.</summary>
    private static Mat Crop()
    {
        const int size = 60;
        var pixels = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int o = (y * size + x) * 3;
                int py = Math.Min(y, Photo.Bottom - 1);
                bool inBox = Box.Contains(x, y);
                pixels[o] = (byte)(inBox ? x * 4 : 128);
                pixels[o + 1] = (byte)(inBox ? py * 5 : 128);
                pixels[o + 2] = (byte)(inBox ? (x + py) % 200 : 128);
            }
        }

        return MatExtensions.FromPixels(pixels, size, size, MatType.CV_8UC3);
    }

    private static SceneFillParameters Parameters(SceneFillPattern pattern) =>
        new(pattern, (10, 200, 30), (240, 20, 90), AngleDegrees: 30, OriginX: 0.5, OriginY: 0.5, Period: 0.1, BlurSigma: 0.01, NoiseSigma: 4, NoiseSeed: 7);

    [Theory]
    [InlineData(SceneFillPattern.Flat)]
    [InlineData(SceneFillPattern.Edge)]
    [InlineData(SceneFillPattern.Stripes)]
    [InlineData(SceneFillPattern.Gradient)]
    public void Only_pixels_inside_the_box_and_outside_the_photo_change(SceneFillPattern pattern)
    {
        using var crop = Crop();
        var before = crop.GetBytes().ToArray();

        using var filled = SceneFill.Apply(crop, Photo, Box, Parameters(pattern));

        filled.Should().NotBeNull();
        filled!.Size().Should().Be(crop.Size());
        filled.Type().Should().Be(MatType.CV_8UC3);
        crop.GetBytes().ToArray().Should().Equal(before, "the input is left alone");
        var after = filled.GetBytes();
        int changed = 0;
        for (int y = 0; y < 60; y++)
        {
            for (int x = 0; x < 60; x++)
            {
                int o = (y * 60 + x) * 3;
                bool differs = after[o] != before[o] || after[o + 1] != before[o + 1] || after[o + 2] != before[o + 2];
                bool fillable = Box.Contains(x, y) && !Photo.Contains(x, y);
                if (!fillable)
                {
                    differs.Should().BeFalse($"({x}, {y}) is in the photo or the blank margin");
                }

                changed += differs ? 1 : 0;
            }
        }

        changed.Should().BeGreaterThan(40 * 9 * 9 / 10, "the 40x9 pixels of the box past the photo show the scene (a few may match by chance)");
    }

    [Fact]
    public void The_patterns_look_like_what_they_are_called()
    {
        using var crop = Crop();
        var sharp = Parameters(SceneFillPattern.Flat) with { BlurSigma = 0, NoiseSigma = 0 };

        using var flat = SceneFill.Apply(crop, Photo, Box, sharp)!;
        using var edge = SceneFill.Apply(crop, Photo, Box, sharp with { Pattern = SceneFillPattern.Edge, AngleDegrees = 0 })!;

        // Flat: every filled pixel is the first colour (BGR 10, 200, 30).
        var f = flat.GetBytes();
        for (int y = 45; y < 54; y++)
        {
            for (int x = 10; x < 50; x++)
            {
                int o = (y * 60 + x) * 3;
                (f[o], f[o + 1], f[o + 2]).Should().Be(((byte)10, (byte)200, (byte)30));
            }
        }

        // Edge at 0°: a vertical line through the middle of the painted part (x = 30): first colour left, second right.
        var e = edge.GetBytes();
        int left = (50 * 60 + 20) * 3, right = (50 * 60 + 40) * 3;
        (e[left], e[left + 1], e[left + 2]).Should().Be(((byte)10, (byte)200, (byte)30));
        (e[right], e[right + 1], e[right + 2]).Should().Be(((byte)240, (byte)20, (byte)90));
    }

    [Fact]
    public void A_box_inside_the_photo_or_a_margin_past_it_leaves_nothing_to_fill()
    {
        using var crop = Crop();

        SceneFill.Apply(crop, new Rect(0, 0, 60, 60), Box, Parameters(SceneFillPattern.Flat)).Should().BeNull();
        SceneFill.Apply(crop, Photo, new Rect(10, 10, 40, 30), Parameters(SceneFillPattern.Flat)).Should().BeNull("the box ends at row 40, inside the photo");
        SceneFill.Apply(crop, Photo, new Rect(70, 70, 10, 10), Parameters(SceneFillPattern.Flat)).Should().BeNull("the box lies outside the crop");
    }

    [Fact]
    public void The_same_seed_hash_and_copy_give_identical_pixels()
    {
        var options = new AugmentationOptions { Copies = 2, SceneFillProbability = 1, Seed = 5 };
        using var crop = Crop();

        Mat Fill(AugmentationOptions o, int copy) => new ImageAugmenter(o).FillBeyondPhoto(crop, Photo, Box, copy, Hash) ?? throw new InvalidOperationException("no fill drawn");
        using var a = Fill(options, 2);
        using var b = Fill(options, 2);
        using var otherCopy = Fill(options, 3);
        using var otherSeed = Fill(options with { Seed = 6 }, 2);

        a.GetBytes().ToArray().Should().Equal(b.GetBytes().ToArray());
        a.GetBytes().SequenceEqual(otherCopy.GetBytes()).Should().BeFalse();
        a.GetBytes().SequenceEqual(otherSeed.GetBytes()).Should().BeFalse();
    }

    [Fact]
    public void Probability_zero_changes_nothing_and_the_fill_leaves_the_other_draws_alone()
    {
        var off = new ImageAugmenter(new AugmentationOptions { Copies = 2, SceneFillProbability = 0 });
        var on = new ImageAugmenter(new AugmentationOptions { Copies = 2, SceneFillProbability = 1 });
        using var crop = Crop();

        for (int copy = 1; copy <= 50; copy++)
        {
            off.SampleSceneFill(copy, Hash).Should().BeNull();
            off.FillBeyondPhoto(crop, Photo, Box, copy, Hash).Should().BeNull();
            on.SampleSceneFill(copy, Hash).Should().NotBeNull();
            on.Sample(copy, Hash).Should().Be(off.Sample(copy, Hash), "the fill draws from its own stream");
        }
    }

    [Fact]
    public void About_the_configured_share_of_copies_is_filled_with_every_pattern()
    {
        var augmenter = new ImageAugmenter(new AugmentationOptions { Copies = 2 });
        var fills = Enumerable.Range(1, 400).Select(k => augmenter.SampleSceneFill(k, Hash)).ToArray();

        AugmentationOptions.Default.SceneFillProbability.Should().Be(0.5);
        fills.Count(f => f is not null).Should().BeInRange(160, 240);
        fills.OfType<SceneFillParameters>().Select(f => f.Pattern).Distinct().Should().HaveCount(4);
        fills.OfType<SceneFillParameters>().Should().OnlyContain(f => f.Period >= 0.04 && f.Period <= 0.4 && f.BlurSigma <= 0.01 && f.NoiseSigma <= 6
            && f.OriginX >= 0 && f.OriginX < 1 && f.OriginY >= 0 && f.OriginY < 1);
    }

    [Fact]
    public void Only_8_bit_BGR_crops_are_accepted()
    {
        using var grey = new Mat(60, 60, MatType.CV_8UC1, Scalar.All(100));

        FluentActions.Invoking(() => SceneFill.Apply(grey, Photo, Box, Parameters(SceneFillPattern.Flat)))
            .Should().Throw<ArgumentException>().WithMessage("expected an 8-bit BGR image*");
        FluentActions.Invoking(() => new ImageAugmenter(new AugmentationOptions { SceneFillProbability = 1.5 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("SceneFillProbability must be between 0 and 1*");
    }
}
