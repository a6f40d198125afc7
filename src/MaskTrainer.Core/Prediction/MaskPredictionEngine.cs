using MaskTrainer.Faces;
using MaskTrainer.Features;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Prediction;

/// <summary>
/// Classifies face crops (or whole images) with a <see cref="MaskClassifier"/>. Like ML.NET's
/// PredictionEngine it owns its network and buffers, so it is cheap to call and meant to be
/// used by one thread at a time (calls are serialised internally, so sharing is safe but slow):
/// create one per thread with <see cref="MaskClassifier.CreatePredictionEngine"/>.
/// </summary>
public sealed class MaskPredictionEngine : IDisposable
{
    private readonly MaskClassifier _model;
    private readonly BackboneFeaturizer _featurizer;
    private readonly ModelStore? _store;
    private readonly Lock _gate = new();
    private readonly float[] _features;
    private readonly float[] _scratch;
    private readonly Mat[] _one = new Mat[1];
    private FaceCropStage? _faceStage;
    private IFaceDetector? _detector;

    internal MaskPredictionEngine(MaskClassifier model, ModelStore? store)
    {
        _model = model;
        _store = store;
        _featurizer = model.CreateFeaturizer();
        _features = new float[_featurizer.FeatureSize];
        _scratch = new float[model.Head.ScratchSize];
    }

    /// <summary>The model's class names in output order.</summary>
    public IReadOnlyList<string> Labels => _model.Labels;

    /// <summary>Classifies a face crop already cut with <see cref="FaceCropper"/> (the detector app's path).</summary>
    public MaskPrediction PredictFace(Mat faceCrop)
    {
        ArgumentNullException.ThrowIfNull(faceCrop);
        lock (_gate)
        {
            _one[0] = faceCrop;
            _featurizer.Featurize(_one, _features);
            _one[0] = null!;
            return Classify(_features, null);
        }
    }

    /// <summary>Classifies several face crops in one network batch (one frame's faces).</summary>
    public MaskPrediction[] PredictFaces(IReadOnlyList<Mat> faceCrops)
    {
        ArgumentNullException.ThrowIfNull(faceCrops);
        if (faceCrops.Count == 0)
        {
            return [];
        }

        lock (_gate)
        {
            int dim = _featurizer.FeatureSize;
            var features = new float[faceCrops.Count * dim];
            _featurizer.Featurize(faceCrops, features);
            var results = new MaskPrediction[faceCrops.Count];
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = Classify(features.AsSpan(i * dim, dim), null);
            }

            return results;
        }
    }

    /// <summary>
    /// Classifies a whole BGR image the way training saw it: when the model was trained on face
    /// crops, its main face is found and cropped first (the whole image is used when none is found).
    /// </summary>
    public MaskPrediction Predict(Mat image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var stage = GetFaceStage();
        if (stage is null)
        {
            return PredictFace(image);
        }

        using var crop = stage.Apply(image);
        var p = PredictFace(crop.Image);
        return crop.FaceFound ? p with { FaceBox = crop.FaceBox } : p;
    }

    /// <summary>Decodes an image file and classifies it (see <see cref="Predict(Mat)"/>).</summary>
    /// <exception cref="ImageDecodeException">The file is missing or not a readable image.</exception>
    public MaskPrediction Predict(string imagePath)
    {
        using var image = ImageCodec.Read(imagePath);
        return Predict(image);
    }

    private MaskPrediction Classify(ReadOnlySpan<float> features, Rect? box)
    {
        var probabilities = new float[_model.Labels.Count];
        _model.Head.Predict(features, probabilities, _scratch);
        int best = 0;
        for (int i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[best])
            {
                best = i;
            }
        }

        return new MaskPrediction(_model.Labels[best], best, probabilities[best], probabilities, box);
    }

    private FaceCropStage? GetFaceStage()
    {
        var info = _model.FaceCrop;
        if (info is null || !info.Enabled)
        {
            return null;
        }

        lock (_gate)
        {
            if (_faceStage is null)
            {
                var store = _store ?? new ModelStore(ModelStoreOptions.FromEnvironment());
                _detector = FaceDetectors.Create(info.DetectorId ?? FaceDetectors.DefaultId, store);
                _faceStage = new FaceCropStage(_detector, new FaceCropStageOptions
                {
                    Crop = _model.CropOptions,
                    MinConfidence = info.MinConfidence,
                });
            }

            return _faceStage;
        }
    }

    public void Dispose()
    {
        _featurizer.Dispose();
        _detector?.Dispose();
    }
}
