using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Faces;
using MaskTrainer.Model;
using OpenCvSharp;

namespace MaskTrainer.Detect.Inference;

/// <summary>
/// A trained <see cref="MaskModel"/> as the frame loop's classification step: every face is cut
/// with <see cref="FaceCropper"/> (into a <see cref="FaceCropBuffer"/>) and the model's own crop policy (exactly as in training),
/// resized to the backbone's input with OpenCV, and classified by an ML.NET PredictionEngine
/// rented from a <see cref="MaskPredictor"/> pool (engines are not thread-safe).
/// </summary>
public sealed class ModelFaceClassifier : IFaceClassifier
{
    // The warm-up's image: mid-grey (no face, so no label is worth anything), big enough for the
    // crop policy's margin around a face half its width.
    private const int WarmUpSize = 64;

    private readonly MaskPredictor _predictor;
    private readonly FaceCropOptions _cropOptions;
    private ModelOutput _output = new();

    // Per-face scratch, reused from face to face and frame to frame (one thread uses a classifier).
    private readonly FaceCropBuffer _cropBuffer = new();
    private readonly Mat _resized = new();

    public ModelFaceClassifier(MaskModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _predictor = new MaskPredictor(model);
        _cropOptions = model.FaceCrop.CropOptions;
        Labels = model.Labels;
    }

    public IReadOnlyList<string> Labels { get; }

    public void Classify(Mat frame, ReadOnlySpan<Rect> faces, Span<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int labels = Labels.Count;
        if (probabilities.Length < faces.Length * labels)
        {
            throw new ArgumentException($"{faces.Length} faces need {faces.Length * labels} probability slots, got {probabilities.Length}", nameof(probabilities));
        }

        for (int i = 0; i < faces.Length; i++)
        {
            var crop = _cropBuffer.Crop(frame, faces[i], _cropOptions);
            _predictor.Predict(crop, ref _output, _resized);
            _output.Score.AsSpan(0, labels).CopyTo(probabilities.Slice(i * labels, labels));
        }
    }

    /// <summary>
    /// Classifies one grey face and forgets the result, so that the first real face does not pay
    /// for ML.NET building its engine and compiling its code paths and for ONNX Runtime's first
    /// run: about 250 ms, against 10 ms for each face after it. The app calls it while the face
    /// detector loads, before the frame loop starts; it must not run beside <see cref="Classify"/>.
    /// </summary>
    public void WarmUp()
    {
        using var grey = new Mat(WarmUpSize, WarmUpSize, MatType.CV_8UC3, Scalar.All(128));
        var probabilities = new float[Labels.Count];
        Classify(grey, [new Rect(WarmUpSize / 4, WarmUpSize / 4, WarmUpSize / 2, WarmUpSize / 2)], probabilities);
    }

    public void Dispose()
    {
        _predictor.Dispose();
        _cropBuffer.Dispose();
        _resized.Dispose();
    }
}
