using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Faces;

/// <summary>Options of <see cref="FaceCropStage"/>, with documented defaults.</summary>
public sealed record FaceCropStageOptions
{
    /// <summary>
    /// How the face box is cut (shared with the detector app through the model file). Default
    /// <see cref="FaceCropOptions.Training"/>: margin 0.2, square, margin blanked.
    /// </summary>
    public FaceCropOptions Crop { get; init; } = FaceCropOptions.Training;

    /// <summary>
    /// Border added (replicated) around a training image before detection, as a fraction of
    /// its size (default 0.25): dataset images are often tight face crops, and detectors miss
    /// faces that touch the image edge.
    /// </summary>
    public float DetectionPadding { get; init; } = 0.25f;

    /// <summary>Detections below this score are ignored; null = the detector's default.</summary>
    public float? MinConfidence { get; init; }

    /// <summary>
    /// A larger image is searched for its face shrunk to this longest side (default
    /// <see cref="PaddedSearch.DefaultMaxSide"/>, 2048 px), and the face cut from the image itself.
    /// </summary>
    public int MaxDetectionSide { get; init; } = PaddedSearch.DefaultMaxSide;
}

/// <summary>
/// Training/evaluation side of face cropping: finds the main face of a dataset image (the
/// detection that shows the most of itself inside the image) and cuts it with
/// <see cref="FaceCropper"/>; when no face is found, returns the whole image and says so, so the
/// caller can count the fallback.
/// </summary>
public sealed class FaceCropStage
{
    private readonly IFaceDetector _detector;

    public FaceCropStage(IFaceDetector detector, FaceCropStageOptions? options = null)
    {
        _detector = detector ?? throw new ArgumentNullException(nameof(detector));
        Options = options ?? new FaceCropStageOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxDetectionSide, 64, nameof(options));
    }

    public FaceCropStageOptions Options { get; }

    /// <summary>Detector id, for cache keys and the model manifest.</summary>
    public string DetectorId => _detector.Id;

    /// <summary>A string that changes whenever the crop this stage produces would change.</summary>
    public string CacheKey =>
        FormattableString.Invariant($"face:{_detector.Id}:r{FaceDetectors.Revision}{VerifierKey(_detector)}:m{Options.Crop.Margin}:s{Options.Crop.Square}{(Options.Crop.BlankMargin ? ":blank" : "")}:p{Options.DetectionPadding}:d{Options.MaxDetectionSide}:{MainFaceRule}:c{Options.MinConfidence ?? _detector.DefaultMinConfidence}");

    // Names how the main face is chosen (largest visible area), so features cut by the old rule
    // (largest box) are not read back from the cache.
    private const string MainFaceRule = "visible";

    // Which faces a fused detector keeps depends on its verifier's head and threshold too.
    private static string VerifierKey(IFaceDetector detector) =>
        detector is IVerifiedFaceDetector { Verification: { } v } ? v.CacheKey : "";

    /// <summary>Crops the main face of <paramref name="image"/>; the caller disposes the result.</summary>
    public FaceCrop Apply(Mat image)
    {
        if (FindMainFace(image) is not { } face)
        {
            return new FaceCrop(image.Clone(), new Rect(0, 0, image.Cols, image.Rows), 0f, FaceFound: false);
        }

        return new FaceCrop(FaceCropper.Crop(image, face.Box, Options.Crop), face.Box, face.Score, FaceFound: true);
    }

    /// <summary>
    /// The main face of <paramref name="image"/>, its box in the image's coordinates (it may reach
    /// past the image), as <see cref="Apply"/> crops it; null when no face is found.
    /// </summary>
    public DetectedFace? FindMainFace(Mat image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var search = PaddedSearch.For(image, Options.DetectionPadding, Options.MaxDetectionSide);
        var faces = _detector.Detect(search.Image, Options.MinConfidence);

        // The main face is the one that shows the most of itself inside the photo, not the largest
        // box: the padding is ours, and on small photos res10 regresses a phantom box from the face
        // into it (about image-sized, three quarters of it in the replicated border; the largest
        // box in 168 of mask-sample's 1,200 images), whose crop is a corner of the face and streaks.
        DetectedFace? best = null;
        int bestArea = 0;
        foreach (var f in faces)
        {
            int visible = f.Box.Intersect(search.Photo).Area;
            if (visible <= 0)
            {
                continue; // a box wholly in the padding is no face of the photo, and cannot be cropped
            }

            if (visible > bestArea)
            {
                best = f;
                bestArea = visible;
            }
        }

        if (best is null)
        {
            return null;
        }

        Point2f[]? landmarks = null;
        if (best.Landmarks is { } points)
        {
            landmarks = new Point2f[points.Count];
            for (int i = 0; i < landmarks.Length; i++)
            {
                landmarks[i] = search.ToPhoto(points[i]);
            }
        }

        return best with { Box = search.ToPhoto(best.Box), Landmarks = landmarks };
    }
}

/// <summary>The result of <see cref="FaceCropStage.Apply"/>: the crop (owned) and where it came from.</summary>
public sealed record FaceCrop(Mat Image, Rect FaceBox, float Score, bool FaceFound) : IDisposable
{
    public void Dispose() => Image.Dispose();
}
