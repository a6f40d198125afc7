using MaskTrainer.Data;
using OpenCvSharp;

namespace MaskTrainer.Augmentation;

/// <summary>
/// Draws and renders <see cref="CameraEffects"/>. Rendering follows the light's path: the scene's
/// light and colour (a tone curve), then the sensor: shrinking to the face's size on it, focus and
/// motion blur, noise, and the JPEG encoder. Blur, noise and JPEG act on the shrunk copy, where
/// they act in a real camera. Stateless and thread-safe.
/// </summary>
public static class CameraSimulator
{
    /// <summary>
    /// Draws one copy's effects. Every value is drawn whether or not its effect happens, in a fixed
    /// order, so changing one option leaves the other effects' draws alone.
    /// </summary>
    internal static CameraParameters Sample(CameraEffects effects, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(effects);
        ArgumentNullException.ThrowIfNull(random);
        bool small = random.NextDouble() < effects.SmallFaceProbability;
        double width = LogUniform(random, effects.MinFaceWidth, effects.MaxFaceWidth);
        bool blur = random.NextDouble() < effects.BlurProbability;
        double sigma = (0.25 + 0.75 * random.NextDouble()) * effects.MaxBlurSigma;
        bool motion = random.NextDouble() < effects.MotionBlurProbability;
        int length = 2 + (int)(random.NextDouble() * (effects.MaxMotionBlurLength - 1));
        double angle = random.NextDouble() * 180;
        bool light = random.NextDouble() < effects.LowLightProbability;
        double exposure = effects.MinExposure + (1 - effects.MinExposure) * random.NextDouble();
        double gamma = LogUniform(random, 1 / effects.MaxGamma, effects.MaxGamma);
        bool cast = random.NextDouble() < effects.ColourCastProbability;
        double blue = 1 + (2 * random.NextDouble() - 1) * effects.MaxColourCast;
        double green = 1 + (2 * random.NextDouble() - 1) * effects.MaxColourCast;
        double red = 1 + (2 * random.NextDouble() - 1) * effects.MaxColourCast;
        bool noise = random.NextDouble() < effects.NoiseProbability;
        double noiseSigma = (0.2 + 0.8 * random.NextDouble()) * effects.MaxNoiseSigma;
        int noiseSeed = (int)(random.NextUInt64() >> 33);
        bool jpeg = random.NextDouble() < effects.JpegProbability;
        int quality = effects.MinJpegQuality + (int)(random.NextDouble() * (95 - effects.MinJpegQuality + 1));
        return new CameraParameters(
            small ? (int)Math.Round(width) : 0,
            blur && effects.MaxBlurSigma > 0 ? sigma : 0,
            motion ? length : 0, angle,
            light ? exposure : 1, light ? gamma : 1,
            cast ? blue : 1, cast ? green : 1, cast ? red : 1,
            noise && effects.MaxNoiseSigma > 0 ? noiseSigma : 0,
            jpeg ? Math.Min(95, quality) : 0, noiseSeed);
    }

    /// <summary>
    /// Renders <paramref name="p"/> on an 8-bit BGR (or grey) image; returns a new Mat (possibly
    /// smaller: a distant copy stays at its shrunk size) or null when nothing changes.
    /// </summary>
    /// <param name="faceScale">Image width ÷ face width (a face crop with margin m has 1 + 2m), so the face lands at <see cref="CameraParameters.FaceWidth"/> px.</param>
    public static Mat? Apply(Mat image, CameraParameters p, double faceScale)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentOutOfRangeException.ThrowIfLessThan(faceScale, 1.0);
        Mat? current = null;
        try
        {
            if (p.ChangesTone)
            {
                current = Tone(image, p);
            }

            double target = p.FaceWidth * faceScale;
            if (p.FaceWidth > 0 && target < image.Cols)
            {
                double factor = target / image.Cols;
                var size = new Size(Math.Max(4, (int)Math.Round(image.Cols * factor)), Math.Max(4, (int)Math.Round(image.Rows * factor)));
                Replace(ref current, source => Resize(source, size), image);
            }

            if (p.BlurSigma > 0)
            {
                Replace(ref current, source => Filter(source, (s, d) => Cv2.GaussianBlur(s, d, new Size(0, 0), p.BlurSigma, p.BlurSigma, BorderTypes.Replicate)), image);
            }

            if (p.MotionLength > 0)
            {
                Replace(ref current, source => Filter(source, (s, d) => { using var kernel = MotionKernel(p.MotionLength, p.MotionAngleDegrees); Cv2.Filter2D(s, d, -1, kernel, borderType: BorderTypes.Replicate); }), image);
            }

            if (p.NoiseSigma > 0)
            {
                current ??= image.Clone();
                AddNoise(current, p.NoiseSigma, p.NoiseSeed);
            }

            if (p.JpegQuality > 0)
            {
                Replace(ref current, source => Jpeg(source, p.JpegQuality), image);
            }

            return current;
        }
        catch
        {
            current?.Dispose();
            throw;
        }
    }

    private static void Replace(ref Mat? current, Func<Mat, Mat> step, Mat image)
    {
        var next = step(current ?? image);
        current?.Dispose();
        current = next;
    }

    private static Mat Resize(Mat source, Size size)
    {
        var result = new Mat();
        Cv2.Resize(source, result, size, interpolation: InterpolationFlags.Area);
        return result;
    }

    private static Mat Filter(Mat source, Action<Mat, Mat> filter)
    {
        var result = new Mat();
        filter(source, result);
        return result;
    }

    /// <summary>
    /// Exposure, gamma and per-channel gain as one lookup table: out = 255 · gain · exposure · (in / 255)^γ.
    /// Images other than BGR get one table for every channel, with the mean gain.
    /// </summary>
    private static Mat Tone(Mat image, CameraParameters p)
    {
        Span<double> gains = image.Channels() == 3 ? [p.CastBlue, p.CastGreen, p.CastRed] : [(p.CastBlue + p.CastGreen + p.CastRed) / 3];
        var table = new byte[256 * gains.Length];
        for (int v = 0; v < 256; v++)
        {
            double curve = p.Exposure * Math.Pow(v / 255.0, p.Gamma);
            for (int c = 0; c < gains.Length; c++)
            {
                table[v * gains.Length + c] = (byte)Math.Clamp(Math.Round(255 * gains[c] * curve), 0, 255);
            }
        }

        using var lut = Mat.FromPixelData(1, 256, gains.Length == 3 ? MatType.CV_8UC3 : MatType.CV_8UC1, table);
        var result = new Mat();
        Cv2.LUT(image, lut, result);
        return result;
    }

    /// <summary>A normalised line kernel of <paramref name="length"/> pixels through the centre at <paramref name="angleDegrees"/>.</summary>
    private static Mat MotionKernel(int length, double angleDegrees)
    {
        int size = length % 2 == 1 ? length : length + 1;
        var kernel = new Mat(size, size, MatType.CV_32FC1, Scalar.All(0));
        double angle = angleDegrees * Math.PI / 180, c = (size - 1) / 2.0;
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        int samples = 4 * length;
        for (int i = 0; i < samples; i++)
        {
            double t = (i / (samples - 1.0) - 0.5) * (length - 1);
            int x = Math.Clamp((int)Math.Round(c + t * dx), 0, size - 1), y = Math.Clamp((int)Math.Round(c + t * dy), 0, size - 1);
            kernel.Set(y, x, 1f);
        }

        var sum = Cv2.Sum(kernel).Val0;
        kernel.ConvertTo(kernel, MatType.CV_32FC1, 1 / sum);
        return kernel;
    }

    /// <summary>Adds seeded Gaussian noise in place (OpenCV's randn uses a shared global generator: not reproducible across threads).</summary>
    private static void AddNoise(Mat image, double sigma, int seed)
    {
        if (!image.IsContinuous())
        {
            throw new ArgumentException("expected a continuous image", nameof(image));
        }

        var random = new SeededRandom(seed);
        var bytes = Imaging.MatExtensions.GetBytes(image);
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)Math.Clamp(Math.Round(bytes[i] + sigma * random.NextGaussian()), 0, 255);
        }
    }

    private static Mat Jpeg(Mat source, int quality)
    {
        Cv2.ImEncode(".jpg", source, out var encoded, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return Cv2.ImDecode(encoded, source.Channels() == 1 ? ImreadModes.Grayscale : ImreadModes.Color);
    }

    private static double LogUniform(SeededRandom random, double min, double max) =>
        Math.Exp(Math.Log(min) + random.NextDouble() * (Math.Log(max) - Math.Log(min)));
}
