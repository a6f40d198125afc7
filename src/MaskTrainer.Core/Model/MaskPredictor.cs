using MaskTrainer.Features;
using MaskTrainer.Imaging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;
using OpenCvSharp;

namespace MaskTrainer.Model;

/// <summary>
/// Thread-safe prediction with a <see cref="MaskModel"/>: ML.NET's <see cref="PredictionEngine{TSrc,TDst}"/>
/// is not thread-safe (one engine shared by two threads returns wrong scores without an error),
/// so each call rents an engine from a pool and returns it; a thread never waits for another
/// thread's prediction. Does not own the model. Never disposes or changes the caller's images
/// (ML.NET's own engines dispose an image already at the model's input size: see
/// <see cref="Predict(ModelInput, ref ModelOutput)"/>).
/// </summary>
public sealed class MaskPredictor : IDisposable
{
    private readonly ObjectPool<PredictionEngine<ModelInput, ModelOutput>> _engines;
    private volatile bool _disposed;

    public MaskPredictor(MaskModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        model.ThrowIfDisposed();
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

    /// <summary>
    /// Classifies into <paramref name="output"/>, reusing its arrays (ML.NET's <c>Predict(src, ref dst)</c>).
    /// <paramref name="input"/>'s image stays the caller's: it may be predicted again, from any thread.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="ModelInput.Image"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">This predictor or its model was disposed.</exception>
    public void Predict(ModelInput input, ref ModelOutput output)
    {
        ArgumentNullException.ThrowIfNull(input);
        // ML.NET would score a null image as if it were a blank one, and return that as a prediction.
        var image = input.Image ?? throw new ArgumentException($"{nameof(ModelInput)}.{nameof(ModelInput.Image)} is null: set it to the face crop to classify", nameof(input));

        // ML.NET's ResizeImages passes an image already at the target size through, and the engine
        // disposes it when it reads its next row (dotnet/machinelearning#7444): the caller's second
        // Predict of it, or any use after, throws "Object is disposed.", and as engines come from
        // a pool, one thread's Predict would dispose an image another thread still holds. Such an
        // image goes in as a copy the engine may dispose (~5 µs for 224x224, next to ~12 ms of
        // prediction); any other size is resized into a new image by ML.NET and needs none.
        var (width, height) = InputSize;
        if (image.Width != width || image.Height != height)
        {
            Run(input, ref output);
            return;
        }

        using var copy = MLImage.CreateFromPixels(image.Width, image.Height, image.PixelFormat, image.Pixels);
        Run(new ModelInput { Label = input.Label, Image = copy }, ref output);
    }

    /// <summary>The backbone's input size: ResizeImages' target (the schema check makes the metadata's the ML.NET model's own).</summary>
    private (int Width, int Height) InputSize => (Model.Metadata.Backbone.InputWidth, Model.Metadata.Backbone.InputHeight);

    /// <summary>
    /// Predicts with a pooled engine. An image at the input size is disposed by ML.NET later: pass only images of our own.
    /// The model's Dispose waits for the prediction (<see cref="MaskModel.Use"/>) instead of freeing its ONNX sessions under it.
    /// </summary>
    private void Run(ModelInput input, ref ModelOutput output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var use = Model.Use();
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
    /// <exception cref="ObjectDisposedException">This predictor or its model was disposed, or <paramref name="image"/> or <paramref name="scratch"/> is.</exception>
    public void Predict(Mat image, ref ModelOutput output, Mat? scratch = null)
    {
        ImageArgument.ThrowIfNullOrDisposed(image);
        if (scratch is not null)
        {
            ImageArgument.ThrowIfNullOrDisposed(scratch);
        }

        var (width, height) = InputSize;
        Mat? temporary = null;
        try
        {
            var input = image;
            if (image.Cols != width || image.Rows != height)
            {
                input = scratch ?? (temporary = new Mat());
                InputTensor.ResizeForInput(image, width, height, input);
            }

            // A new image of our own: ML.NET may dispose it (a second Dispose is harmless), no copy needed.
            using var ml = MLImages.FromMat(input);
            Run(new ModelInput { Image = ml }, ref output);
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
    /// <exception cref="ObjectDisposedException"><paramref name="image"/> was disposed.</exception>
    public Mat? ResizeForModel(Mat image)
    {
        ImageArgument.ThrowIfNullOrDisposed(image);
        var (width, height) = InputSize;
        return image.Cols == width && image.Rows == height ? null : InputTensor.ResizeForInput(image, width, height);
    }

    /// <inheritdoc cref="Predict(Mat, ref ModelOutput, Mat?)"/>
    public ModelOutput Predict(Mat image)
    {
        var output = new ModelOutput();
        Predict(image, ref output);
        return output;
    }

    public void Dispose()
    {
        _disposed = true;
        (_engines as IDisposable)?.Dispose();
    }

    private sealed class EnginePolicy(MaskModel model) : IPooledObjectPolicy<PredictionEngine<ModelInput, ModelOutput>>
    {
        public PredictionEngine<ModelInput, ModelOutput> Create() => model.CreatePredictionEngine();

        public bool Return(PredictionEngine<ModelInput, ModelOutput> obj) => true;
    }
}
