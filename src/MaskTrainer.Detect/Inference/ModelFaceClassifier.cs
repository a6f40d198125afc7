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

    public void Dispose()
    {
        _predictor.Dispose();
        _cropBuffer.Dispose();
        _resized.Dispose();
    }
}
