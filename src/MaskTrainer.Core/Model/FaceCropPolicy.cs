using MaskTrainer.Faces;
using OpenCvSharp;

namespace MaskTrainer.Model;

/// <summary>
/// How faces were found and cropped before featurizing: recorded in the model, so training,
/// evaluation, <c>predict</c> and the detector app all give the head the same framing.
/// </summary>
public sealed record FaceCropPolicy
{
    /// <summary>True when images were cropped to detected faces. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Catalog id of the face detector used.</summary>
    public string? DetectorId { get; init; }

    /// <summary>
    /// The face detector the detector app uses on live frames with this model unless <c>--detector</c>
    /// says otherwise (<see cref="FaceDetectors.LiveId"/> when trained; null in models made before it
    /// existed, which then get <see cref="FaceDetectors.LiveId"/> too). It differs from
    /// <see cref="DetectorId"/> for a measured reason: see <see cref="FaceDetectors.LiveId"/>.
    /// </summary>
    public string? LiveDetectorId { get; init; }

    /// <summary>The detector live frames and predict's photos are searched with: <see cref="LiveDetectorId"/>, or <see cref="FaceDetectors.LiveId"/> for a model made before it was recorded. Decided here only.</summary>
    public string LiveDetector() => LiveDetectorId ?? FaceDetectors.LiveId;

    /// <summary>Extra border around the detected box, as a fraction of the box size. Default 0.2.</summary>
    public float Margin { get; init; } = 0.2f;

    /// <summary>True when the crop was widened to a square around the box centre. Default true.</summary>
    public bool Square { get; init; } = true;

    /// <summary>True when everything outside the face box was filled with grey. Default false (models made before it existed).</summary>
    public bool BlankMargin { get; init; }

    /// <summary>Detections below this confidence were ignored. Default 0.5.</summary>
    public float MinConfidence { get; init; } = 0.5f;

    /// <summary>
    /// The smallest face, in pixels (the box's shorter side), that <c>predict</c> and the detector app
    /// classify; a smaller face is reported as too small to judge, never as masked or bare. Default
    /// <see cref="DefaultMinFaceSize"/>. Both apps can override it (<c>--min-face-size</c>).
    /// </summary>
    public int MinFaceSize { get; init; } = DefaultMinFaceSize;

    /// <summary>
    /// Default <see cref="MinFaceSize"/>: 16 px. `bench small-faces` on the default training (seed 42)
    /// keeps both recalls at or above 0.90 down to 16 px wide faces, and they fall apart below that
    /// (see docs/small-faces.md); below it a face is a few blurred pixels of skin and cloth.
    /// </summary>
    public const int DefaultMinFaceSize = 16;

    /// <summary>
    /// The one test of "too small to judge", for <c>predict</c> and the detector app alike: the box's
    /// shorter side is under <paramref name="minFaceSize"/> pixels (0 = nothing is too small).
    /// </summary>
    public static bool IsTooSmall(Rect box, int minFaceSize) => Math.Min(box.Width, box.Height) < minFaceSize;

    /// <summary>The crop options that go with this policy (<see cref="FaceCropper"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public FaceCropOptions CropOptions => new() { Margin = Margin, Square = Square, BlankMargin = BlankMargin };

    /// <summary>No face crop: whole images.</summary>
    public static FaceCropPolicy Off { get; } = new() { Enabled = false };
}
