using MaskTrainer.Augmentation;
using MaskTrainer.Data;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Augmentation;

public sealed class CameraSimulatorTests
{
    /// <summary>A 140x140 BGR image: a vertical gradient per channel, so tone and blur both show.</summary>
    private static Mat Gradient(int size = 140)
    {
        var pixels = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int o = (y * size + x) * 3;
                pixels[o] = (byte)(x * 255 / (size - 1));
                pixels[o + 1] = (byte)(y * 255 / (size - 1));
                pixels[o + 2] = (byte)((x + y) % 2 == 0 ? 200 : 40);
            }
        }

        return MatExtensions.FromPixels(pixels, size, size, MatType.CV_8UC3);
    }

    [Fact]
    public void A_distant_copy_is_shrunk_so_the_face_itself_has_the_drawn_width()
    {
        using var crop = Gradient(140);
        using var small = CameraSimulator.Apply(crop, CameraParameters.Identity with { FaceWidth = 20 }, faceScale: 1.4);

        small.Should().NotBeNull();
        small!.Size().Should().Be(new Size(28, 28), "a 100 px face with a 0.2 margin each side is 140 px: a 20 px face makes it 28 px");
        small.Type().Should().Be(MatType.CV_8UC3);
        using var larger = CameraSimulator.Apply(crop, CameraParameters.Identity with { FaceWidth = 200 }, faceScale: 1.4);
        larger.Should().BeNull("a face already smaller than the drawn width is left alone, never enlarged");
    }

    [Fact]
    public void The_tone_curve_applies_exposure_gamma_and_each_channels_gain()
    {
        using var grey = new Mat(4, 4, MatType.CV_8UC3, new Scalar(128, 128, 128));
        var p = CameraParameters.Identity with { Gamma = 2.2, Exposure = 0.5, CastBlue = 1.2, CastGreen = 1, CastRed = 0.8 };

        using var toned = CameraSimulator.Apply(grey, p, 1)!;

        double curve = 0.5 * Math.Pow(128 / 255.0, 2.2) * 255;
        var px = toned.GetBytes();
        px[0].Should().Be((byte)Math.Round(1.2 * curve));
        px[1].Should().Be((byte)Math.Round(curve));
        px[2].Should().Be((byte)Math.Round(0.8 * curve));
    }

    [Fact]
    public void Noise_is_seeded_and_has_the_drawn_strength()
    {
        using var flat = new Mat(100, 100, MatType.CV_8UC3, new Scalar(128, 128, 128));
        var p = CameraParameters.Identity with { NoiseSigma = 8, NoiseSeed = 7 };

        using var a = CameraSimulator.Apply(flat, p, 1)!;
        using var b = CameraSimulator.Apply(flat, p, 1)!;
        using var c = CameraSimulator.Apply(flat, p with { NoiseSeed = 8 }, 1)!;

        a.GetBytes().ToArray().Should().Equal(b.GetBytes().ToArray());
        a.GetBytes().SequenceEqual(c.GetBytes()).Should().BeFalse();
        Cv2.MeanStdDev(a, out var mean, out var std);
        mean.Val0.Should().BeApproximately(128, 0.5);
        std.Val0.Should().BeApproximately(8, 0.5);
    }

    [Fact]
    public void Blur_motion_and_jpeg_change_pixels_but_not_the_size()
    {
        using var image = Gradient(64);
        foreach (var p in new[]
        {
            CameraParameters.Identity with { BlurSigma = 1.0 },
            CameraParameters.Identity with { MotionLength = 5, MotionAngleDegrees = 30 },
            CameraParameters.Identity with { JpegQuality = 25 },
        })
        {
            using var result = CameraSimulator.Apply(image, p, 1)!;
            result.Size().Should().Be(image.Size(), p.ToString());
            result.GetBytes().SequenceEqual(image.GetBytes()).Should().BeFalse(p.ToString());
        }

        CameraSimulator.Apply(image, CameraParameters.Identity, 1).Should().BeNull("no effect, no copy");
    }

    [Fact]
    public void Draws_follow_the_probabilities_and_ranges_and_none_draws_nothing()
    {
        var random = new SeededRandom(11);
        var draws = Enumerable.Range(0, 2000).Select(_ => CameraSimulator.Sample(CameraEffects.Default, random)).ToArray();

        draws.Count(d => d.FaceWidth > 0).Should().BeInRange(1100, 1300, "60 % of copies are distant faces");
        draws.Where(d => d.FaceWidth > 0).Should().OnlyContain(d => d.FaceWidth >= 12 && d.FaceWidth <= 80);
        draws.Count(d => d.FaceWidth is > 0 and < 24).Should().BeGreaterThan(300, "widths are log-uniform: small faces are well represented");
        draws.Count(d => d.JpegQuality > 0).Should().BeInRange(900, 1100);
        draws.Where(d => d.JpegQuality > 0).Should().OnlyContain(d => d.JpegQuality >= 25 && d.JpegQuality <= 95);
        draws.Count(d => d.Gamma > 1).Should().BeInRange(300, 500, "poor light is drawn for 40 %, half of it darker");
        Enumerable.Range(0, 200).Select(_ => CameraSimulator.Sample(CameraEffects.None, random))
            .Should().OnlyContain(d => d.FaceWidth == 0 && !d.ChangesTone && d.BlurSigma == 0 && d.MotionLength == 0 && d.NoiseSigma == 0 && d.JpegQuality == 0);
    }

    [Fact]
    public void Out_of_range_effects_are_refused_by_name()
    {
        FluentActions.Invoking(() => (CameraEffects.Default with { JpegProbability = 1.5 }).Validate())
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("JpegProbability");
        FluentActions.Invoking(() => (CameraEffects.Default with { MinFaceWidth = 90 }).Validate())
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MinFaceWidth");
    }
}
