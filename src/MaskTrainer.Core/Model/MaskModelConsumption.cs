namespace MaskTrainer.Model;

/// <summary>
/// Prediction the way Model Builder's <c>MLModel.consumption.cs</c> offers it: a static
/// <see cref="Predict"/> over a model loaded once, on first use, from <see cref="ModelPath"/>.
/// Thread-safe (engines come from a pool). Faces must be cropped with the model's
/// <see cref="MaskModel.FaceCrop"/> policy first; <c>./train.sh predict</c> does both.
/// </summary>
public static class MaskModelConsumption
{
    private static readonly Lock Gate = new();
    private static string _modelPath = Path.GetFullPath(MaskModel.DefaultPath);
    private static volatile MaskPredictor? _predictor;
    private static string? _loadedFrom; // full path, once loaded

    /// <summary>
    /// The model file (default artifacts/mask_model.zip, what <c>./train.sh</c> writes). A load that
    /// fails (a wrong path) is tried again by the next <see cref="Predict"/>, from the path set then.
    /// Once the model has loaded, setting another path throws <see cref="InvalidOperationException"/>:
    /// other threads may be predicting with the loaded model, which can be neither disposed under
    /// them nor quietly kept alive beside a second one. Load other models with
    /// <see cref="MaskModel.Load(string, int)"/> and a <see cref="MaskPredictor"/> each.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has loaded from another path.</exception>
    public static string ModelPath
    {
        get
        {
            lock (Gate)
            {
                return _modelPath;
            }
        }

        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            lock (Gate)
            {
                if (_loadedFrom is not null && !string.Equals(Path.GetFullPath(value), _loadedFrom, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"MaskModelConsumption.ModelPath cannot change to {value}: the model has loaded from {_loadedFrom} (use MaskModel.Load and a MaskPredictor for another model)");
                }

                _modelPath = value;
            }
        }
    }

    /// <summary>Classifies one image, loading the model from <see cref="ModelPath"/> at the first call.</summary>
    /// <exception cref="ModelFileException">The model cannot be loaded (tried again at the next call).</exception>
    public static ModelOutput Predict(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (_predictor ?? Load()).Predict(input);
    }

    // Not a Lazy: it would keep the first load's exception for the life of the process, so a
    // ModelPath corrected after a failed call would never be read.
    private static MaskPredictor Load()
    {
        lock (Gate)
        {
            if (_predictor is null)
            {
                var path = _modelPath;
                var model = MaskModel.Load(path); // a throw leaves nothing behind: the next call tries again
                try
                {
                    _predictor = new MaskPredictor(model);
                }
                catch
                {
                    model.Dispose();
                    throw;
                }

                _loadedFrom = Path.GetFullPath(path);
            }

            return _predictor;
        }
    }
}
