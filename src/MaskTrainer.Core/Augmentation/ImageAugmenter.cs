using System.Globalization;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Model;
using MaskTrainer.Data;

namespace MaskTrainer.Augmentation;

/// <summary>
/// Makes augmented copies of images (see <see cref="AugmentationOptions"/>). The geometry —
/// flip, rotation, zoom and shear about the image centre — is composed into one affine warp
/// (bilinear, border replicated, same size as the input), then brightness and contrast are one
/// linear pixel map, then the camera effects (<see cref="CameraSimulator"/>), which leave a
/// distant copy smaller than the input. For a face crop, <see cref="FillBeyondPhoto"/> comes first.
/// Copy k of an image depends only on the seed, the image's content hash and k, so copies are
/// reproducible, cacheable, and independent of thread scheduling. Stateless and thread-safe.
/// </summary>
public sealed class ImageAugmenter
{
    // Bump when the way copies are drawn or rendered changes, so cached features of copies refill.
    // 2: camera effects (CameraSimulator) after the geometry and brightness/contrast.
    // 3: scene content beyond the photo (SceneFill) before everything else.
    private const int AlgorithmVersion = 3;

    /// <summary>Creates an augmenter; throws <see cref="ArgumentOutOfRangeException"/> for out-of-range options.</summary>
    public ImageAugmenter(AugmentationOptions? options = null)
    {
        Options = options ?? AugmentationOptions.Default;
        Options.Validate();
        CacheKey = string.Create(CultureInfo.InvariantCulture,
            $"aug:v{AlgorithmVersion}|flip:{Options.FlipHorizontal}|rot:{Options.MaxRotationDegrees:R}|zoom:{Options.MaxZoom:R}|shear:{Options.MaxShear:R}|bright:{Options.MaxBrightness:R}|contrast:{Options.MaxContrast:R}|{Options.Camera.Key()}|scene:{Options.SceneFillProbability:R}|seed:{Options.Seed}");
    }

    /// <summary>The options in use.</summary>
    public AugmentationOptions Options { get; }

    /// <summary>
    /// Changes whenever any copy could change: every option that affects pixels, the seed and the
    /// algorithm version. <see cref="AugmentationOptions.Copies"/> is left out on purpose: copy k is
    /// the same whatever the number of copies, so raising it reuses the copies already cached.
    /// </summary>
    public string CacheKey { get; }

    /// <summary>The random draws of copy <paramref name="copyIndex"/> (≥ 1) of the image with <paramref name="contentHash"/>.</summary>
    public AugmentationParameters Sample(int copyIndex, string contentHash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copyIndex, 1);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        var random = SeededRandom.ForKey(Options.Seed, string.Create(CultureInfo.InvariantCulture, $"{contentHash}#{copyIndex}"));
        // Always draw every value in the same order, so changing one range leaves the others' draws alone.
        bool flip = random.NextDouble() < 0.5;
        double rotation = Symmetric(random, Options.MaxRotationDegrees);
        double zoom = 1 + Symmetric(random, Options.MaxZoom);
        double shear = Symmetric(random, Options.MaxShear);
        double brightness = 1 + Symmetric(random, Options.MaxBrightness);
        double contrast = 1 + Symmetric(random, Options.MaxContrast);
        var camera = CameraSimulator.Sample(Options.Camera, random);
        return new AugmentationParameters(flip && Options.FlipHorizontal, rotation, zoom, shear, brightness, contrast, camera);
    }

    /// <summary>
    /// The scene fill of copy <paramref name="copyIndex"/> (≥ 1), or null when the copy keeps the crop's own
    /// border. Drawn from its own stream, so the fill leaves the other draws of <see cref="Sample"/> alone.
    /// </summary>
    public SceneFillParameters? SampleSceneFill(int copyIndex, string contentHash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copyIndex, 1);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        var random = SeededRandom.ForKey(Options.Seed, string.Create(CultureInfo.InvariantCulture, $"{contentHash}#{copyIndex}#scene"));
        return SceneFill.Sample(Options.SceneFillProbability, random);
    }

    /// <summary>
    /// The first step of copy <paramref name="copyIndex"/> (≥ 1) of a face crop, before <see cref="Apply(Mat, int, string, double)"/>:
    /// the crop with scene content beyond the photo (<see cref="SceneFill.Apply"/>), a new Mat the caller
    /// disposes; null when this copy draws no fill or the box lies inside the photo (use the crop as it is).
    /// </summary>
    /// <param name="photo">Where the source photo lies, in the crop's coordinates.</param>
    /// <param name="within">Where scene content may go, in the crop's coordinates (the face box when the margin is blanked).</param>
    public Mat? FillBeyondPhoto(Mat crop, Rect photo, Rect within, int copyIndex, string contentHash) =>
        SampleSceneFill(copyIndex, contentHash) is { } fill ? SceneFill.Apply(crop, photo, within, fill) : null;

    /// <summary>
    /// Copy <paramref name="copyIndex"/> (≥ 1) of <paramref name="image"/>, a new Mat of the same type
    /// (smaller when the copy is a distant face, or the image a panorama wider or taller than
    /// <see cref="MaxWarpSide"/>: see <see cref="PanoramaSide"/>); the caller disposes it.
    /// </summary>
    /// <param name="faceScale">Image width ÷ face width: 1 + 2 × margin for a face crop, 1 when the whole image is the face.</param>
    public Mat Apply(Mat image, int copyIndex, string contentHash, double faceScale = 1) => Apply(image, Sample(copyIndex, contentHash), faceScale);

    /// <summary>Renders <paramref name="parameters"/> on <paramref name="image"/> (8-bit, any channel count); a new Mat the caller disposes.</summary>
    /// <param name="faceScale">Image width ÷ face width (see <see cref="CameraSimulator.Apply"/>).</param>
    public static Mat Apply(Mat image, AugmentationParameters parameters, double faceScale = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(parameters);
        if (image.IsEmpty)
        {
            throw new ArgumentException("the image is empty", nameof(image));
        }

        // OpenCV's warp cannot write an image with a side of 32,767 px or more (a panorama); the copy
        // is resized to the network input afterwards anyway, so such an image is augmented downscaled.
        using var smaller = FitForWarp(image);
        var source = smaller ?? image;
        var size = source.Size();
        var result = new Mat();
        try
        {
            using (var matrix = Mat.FromPixelData(2, 3, MatType.CV_64FC1, Matrix(parameters, size)))
            {
                Cv2.WarpAffine(source, result, matrix, size, InterpolationFlags.Linear, BorderTypes.Replicate);
            }

            // contrast about mid-grey, then brightness: (p - 128)·c·b + 128·b = p·(c·b) + 128·b·(1 - c)
            double alpha = parameters.Contrast * parameters.Brightness;
            double beta = 128 * parameters.Brightness * (1 - parameters.Contrast);
            if (alpha != 1 || beta != 0)
            {
                result.ConvertTo(result, result.Type(), alpha, beta);
            }

            if (parameters.Camera is { } camera && CameraSimulator.Apply(result, camera, faceScale) is { } degraded)
            {
                result.Dispose();
                result = degraded;
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>The longest side an image is warped at: OpenCV's remap needs both sides under <c>SHRT_MAX</c> (32,767).</summary>
    public const int MaxWarpSide = short.MaxValue - 1;

    /// <summary>
    /// The longer side a panorama is shrunk to before it is augmented: far more than the network's
    /// input (224 px) needs, and small enough that the warp and camera effects take milliseconds,
    /// not the seconds they take at <see cref="MaxWarpSide"/>.
    /// </summary>
    public const int PanoramaSide = 4096;

    /// <summary>
    /// A copy of <paramref name="image"/> shrunk (area interpolation, aspect kept) so that its longer
    /// side is <see cref="PanoramaSide"/> when it is over <see cref="MaxWarpSide"/>; null when it fits,
    /// which is every photo but a panorama (so their copies, and the cached features, stay as they were).
    /// </summary>
    private static Mat? FitForWarp(Mat image)
    {
        int longest = Math.Max(image.Cols, image.Rows);
        if (longest <= MaxWarpSide)
        {
            return null;
        }

        double factor = (double)PanoramaSide / longest;
        var size = new Size(Math.Max(1, (int)(image.Cols * factor)), Math.Max(1, (int)(image.Rows * factor)));
        var smaller = new Mat();
        Cv2.Resize(image, smaller, size, interpolation: InterpolationFlags.Area);
        return smaller;
    }

    /// <summary>
    /// The 2×3 forward affine map (source to destination, row-major) of the geometric part:
    /// <c>dst = R·Z·S·F·(src − c) + c</c> about the pixel centre c = ((w−1)/2, (h−1)/2), with F the
    /// flip, S the shear, Z the zoom and R the rotation (counter-clockwise on screen, as
    /// cv::getRotationMatrix2D). Centring on the middle pixel makes a flip exact.
    /// </summary>
    public static double[] Matrix(AugmentationParameters parameters, Size size)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double angle = parameters.RotationDegrees * Math.PI / 180;
        double cos = Math.Cos(angle) * parameters.Zoom, sin = Math.Sin(angle) * parameters.Zoom;
        double f = parameters.Flip ? -1 : 1, s = parameters.Shear;
        // R·Z = [[cos, sin], [-sin, cos]]; S·F = [[f, s], [0, 1]].
        double a = cos * f, b = cos * s + sin;
        double c = -sin * f, d = -sin * s + cos;
        double cx = (size.Width - 1) / 2.0, cy = (size.Height - 1) / 2.0;
        return [a, b, cx - a * cx - b * cy, c, d, cy - c * cx - d * cy];
    }

    private static double Symmetric(SeededRandom random, double max) => (2 * random.NextDouble() - 1) * max;
}
