using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using OpenCvSharp;

namespace MaskTrainer.Model;

/// <summary>One face and what the model says about it; <see cref="Box"/> is null when the whole image was classified.</summary>
/// <param name="Scores">Probability of each label, in <see cref="MaskModel.Labels"/> order; empty when <paramref name="TooSmall"/>.</param>
/// <param name="TooSmall">The face is below the minimum face size: not classified (<paramref name="Label"/> is empty).</param>
public sealed record FacePrediction(Rect? Box, float Confidence, string Label, float Probability, float[] Scores, bool TooSmall = false);

/// <summary>
/// Whole images in, one prediction per face out: faces are found with the detector the model
/// records for photos and frames (<see cref="FaceCropPolicy.LiveDetectorId"/>, as the detector app's
/// <c>--image</c> finds them), cut with its <see cref="MaskModel.FaceCrop"/> policy and classified
/// through an ML.NET PredictionEngine. Not with the training crops' detector: training keeps the
/// best face of each image, and that detector's other boxes (several overlapping ones on a tight
/// face photo) would each come out as a face here. A model trained on whole images classifies the whole image instead.
/// Thread-safe (the detector serialises its calls; engines come from a pool). Does not own the model.
/// </summary>
public sealed class FacePredictor : IDisposable
{
    private readonly MaskPredictor _predictor;
    private readonly IFaceDetector? _detector;
    private volatile bool _disposed;

    /// <param name="minFaceSize">Faces below this size (px, the box's shorter side) are reported too small instead of classified; null = the model's <see cref="FaceCropPolicy.MinFaceSize"/>, 0 = classify every face.</param>
    public FacePredictor(MaskModel model, ModelStore store, int? minFaceSize = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(minFaceSize ?? 0, nameof(minFaceSize));
        MinFaceSize = minFaceSize ?? model.FaceCrop.MinFaceSize;
        _predictor = new MaskPredictor(model);
        var policy = model.FaceCrop;
        _detector = policy.Enabled ? FaceDetectors.Create(policy.LiveDetector(), store) : null;
    }

    /// <summary>Faces below this size (px, the box's shorter side) are not classified.</summary>
    public int MinFaceSize { get; }

    /// <summary>The detector that finds the faces (the model's live one); null when the model classifies whole images.</summary>
    public string? DetectorId => _detector?.Id;

    /// <summary>
    /// Predictions for every face of <paramref name="image"/>, highest detection score first; empty
    /// when no face is found. The image is 8-bit BGR, or grey or BGRA, converted to BGR once (the
    /// images <see cref="MaskPredictor"/> accepts).
    /// </summary>
    /// <param name="onCrop">Called with each face's index and the crop the model sees (e.g. to save it);
    /// the crop is classified after the call and disposed by this method: Clone it to keep it.</param>
    /// <exception cref="ObjectDisposedException">This predictor or its model was disposed, or <paramref name="image"/> is,
    /// or <paramref name="onCrop"/> disposed the crop it was handed.</exception>
    public IReadOnlyList<FacePrediction> Predict(Mat image, Action<int, Mat>? onCrop = null)
    {
        ImageArgument.ThrowIfNullOrDisposed(image);
        // Before the detector runs: a disposed one fails in its own way, a disposed model only at the first face.
        ObjectDisposedException.ThrowIf(_disposed, this);
        _predictor.Model.ThrowIfDisposed();
        using var converted = ImageArgument.ToBgr(image);
        var bgr = converted ?? image;
        var policy = _predictor.Model.FaceCrop;
        if (_detector is null)
        {
            using var resized = _predictor.ResizeForModel(bgr);
            Show(onCrop, 0, resized ?? bgr);
            return [Classify(resized ?? bgr, null, 1f)];
        }

        var faces = _detector.Detect(bgr);
        var results = new FacePrediction[faces.Count];
        for (int i = 0; i < faces.Count; i++)
        {
            if (FaceCropPolicy.IsTooSmall(faces[i].Box, MinFaceSize))
            {
                results[i] = new FacePrediction(faces[i].Box, faces[i].Score, "", 0, [], TooSmall: true);
                continue;
            }

            using var cut = FaceCropper.Crop(bgr, faces[i].Box, policy.CropOptions);
            using var resized = _predictor.ResizeForModel(cut);
            Show(onCrop, i, resized ?? cut);
            results[i] = Classify(resized ?? cut, faces[i].Box, faces[i].Score);
        }

        return results;
    }

    /// <summary>Hands <paramref name="crop"/> to the caller's <paramref name="onCrop"/>, which must leave it usable: it is classified next.</summary>
    private static void Show(Action<int, Mat>? onCrop, int index, Mat crop)
    {
        if (onCrop is null)
        {
            return;
        }

        onCrop(index, crop);
        if (crop.IsDisposed)
        {
            throw new ObjectDisposedException(null, $"onCrop disposed the crop of face {index}, which is classified after it: Clone the crop to keep it");
        }
    }

    private FacePrediction Classify(Mat crop, Rect? box, float confidence)
    {
        var output = _predictor.Predict(crop);
        int best = 0;
        for (int c = 1; c < output.Score.Length; c++)
        {
            if (output.Score[c] > output.Score[best])
            {
                best = c;
            }
        }

        return new FacePrediction(box, confidence, output.PredictedLabel, output.Score[best], output.Score);
    }

    public void Dispose()
    {
        _disposed = true;
        _predictor.Dispose();
        _detector?.Dispose();
    }
}
