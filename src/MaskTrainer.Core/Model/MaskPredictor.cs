using MaskTrainer.Features;
using MaskTrainer.Imaging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using OpenCvSharp;

namespace MaskTrainer.Model;

/// <summary>
/// Thread-safe prediction with a <see cref="MaskModel"/>: ML.NET's <see cref="PredictionEngine{TSrc,TDst}"/>
/// is not thread-safe (one engine shared by two threads returns wrong scores without an error),
/// so each call rents an engine from a pool and returns it; a thread never waits for another
/// thread's prediction. Does not own the model.
/// </summary>
public sealed class MaskPredictor : IDisposable
{
    private readonly ObjectPool<PredictionEngine<ModelInput, ModelOutput>> _engines;

    public MaskPredictor(MaskModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _engines = new DefaultObjectPoolProvider { MaximumRetained = Math.Max(2, Environment.ProcessorCount * 2) }
            .Create(new EnginePolicy(model));
    }

    /// <summary>The model predictions come from.</summary>
    public MaskModel Model { get; }

    /// <summary>Class names in <see cref="ModelOutput.Score"/> order.</summary>
    public IReadOnlyList<string> Labels => Model.Labels;

    /// <summary>Classifies one image (a face already cropped with the model's <see cref="MaskModel.FaceCrop"/>).</summary>
    public ModelOutput Predict(ModelInput input)
    {
        var output = new ModelOutput();
        Predict(input, ref output);
        return output;
    }

    /// <summary>Classifies into <paramref name="output"/>, reusing its arrays (ML.NET's <c>Predict(src, ref dst)</c>).</summary>
    public void Predict(ModelInput input, ref ModelOutput output)
    {
        ArgumentNullException.ThrowIfNull(input);
        var engine = _engines.Get();
        try
        {
            engine.Predict(input, ref output);
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    /// <summary>
    /// Classifies an OpenCV image (BGR, BGRA or grey), e.g. a crop from <see cref="Faces.FaceCropper"/>.
    /// It is resized to the backbone's input with OpenCV first, exactly as the cached training
    /// features were made (ML.NET's own resize, a different filter, then leaves it as it is).
    /// </summary>
    /// <param name="image">The face crop.</param>
    /// <param name="output">Filled with the prediction; its arrays are reused.</param>
    /// <param name="scratch">Where the resize goes when given, reused from face to face by one
    /// caller (a frame loop's classify step); a temporary Mat otherwise.</param>
    public void Predict(Mat image, ref ModelOutput output, Mat? scratch = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = Model.Metadata.Backbone.InputWidth, height = Model.Metadata.Backbone.InputHeight;
        Mat? temporary = null;
        try
        {
            var input = image;
            if (image.Cols != width || image.Rows != height)
            {
                input = scratch ?? (temporary = new Mat());
                InputTensor.ResizeForInput(image, width, height, input);
            }

            using var ml = MLImages.FromMat(input);
            Predict(new ModelInput { Image = ml }, ref output);
        }
        finally
        {
            temporary?.Dispose();
        }
    }

    /// <summary>
    /// <paramref name="image"/> at the backbone's input size, resized by OpenCV as the training
    /// features were made; null when it already has that size. The caller disposes the result.
    /// </summary>
    public Mat? ResizeForModel(Mat image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = Model.Metadata.Backbone.InputWidth, height = Model.Metadata.Backbone.InputHeight;
        return image.Cols == width && image.Rows == height ? null : InputTensor.ResizeForInput(image, width, height);
    }

    /// <inheritdoc cref="Predict(Mat, ref ModelOutput, Mat?)"/>
    public ModelOutput Predict(Mat image)
    {
        var output = new ModelOutput();
        Predict(image, ref output);
        return output;
    }

    public void Dispose() => (_engines as IDisposable)?.Dispose();

    private sealed class EnginePolicy(MaskModel model) : IPooledObjectPolicy<PredictionEngine<ModelInput, ModelOutput>>
    {
        public PredictionEngine<ModelInput, ModelOutput> Create() => model.CreatePredictionEngine();

        public bool Return(PredictionEngine<ModelInput, ModelOutput> obj) => true;
    }
}
