using MaskTrainer.Detect.Pipeline;
using MaskTrainer.Faces;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Prediction;

namespace MaskTrainer.Detect.Inference;

/// <summary>
/// A trained <see cref="MaskClassifier"/> as the frame loop's classification step: every face
/// is cut with <see cref="FaceCropper"/> and the model's own crop options (exactly as in
/// training), and all faces of a frame go through the network as one batch.
/// </summary>
public sealed class ModelFaceClassifier : IFaceClassifier
{
    private readonly MaskPredictionEngine _engine;
    private readonly FaceCropOptions _crop;
    private readonly List<Mat> _crops = [];

    public ModelFaceClassifier(MaskClassifier model, ModelStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _engine = model.CreatePredictionEngine(store);
        _crop = model.CropOptions;
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

        try
        {
            foreach (var face in faces)
            {
                _crops.Add(FaceCropper.Crop(frame, face, _crop));
            }

            var predictions = _engine.PredictFaces(_crops);
            for (int i = 0; i < predictions.Length; i++)
            {
                predictions[i].Probabilities.AsSpan(0, labels).CopyTo(probabilities.Slice(i * labels, labels));
            }
        }
        finally
        {
            foreach (var crop in _crops)
            {
                crop.Dispose();
            }

            _crops.Clear();
        }
    }

    public void Dispose() => _engine.Dispose();
}
