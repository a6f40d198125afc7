using System.Globalization;
using System.Runtime.CompilerServices;
using MaskTrainer.Models;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Onnx;

namespace MaskTrainer.Features;

/// <summary>
/// The ML.NET side of a backbone: ResizeImages → ExtractPixels → ApplyOnnxModel of the same
/// <see cref="PixelGraph"/> file that <see cref="BackboneFeaturizer"/> runs, so a saved model
/// computes the features training cached. Notes on ML.NET 6.0's behaviour (tested in
/// BackboneEstimatorTests):
/// <list type="bullet">
/// <item>ResizeImages passes an image already at the target size through untouched (the same
/// MLImage object); any other size is resized by SkiaSharp with nearest-neighbour sampling
/// (<c>ResizingKind.Fill</c>), not OpenCV's bilinear resize: to get the featurizer's features,
/// resize with OpenCV first (<see cref="InputTensor.WritePixels"/> resizes as cv::resize does).</item>
/// <item>Ownership: when ResizeImages passes an image through, the transforms after it dispose
/// that (caller's) MLImage when the next row is read and when the cursor closes; resized copies
/// are disposed instead of the caller's images otherwise. So never read an MLImage twice (a
/// second pass over the same data view, or the same image in two Predict calls, throws
/// "Object is disposed."); make a new one per row and dispose it after use (a second Dispose is harmless).</item>
/// <item>ExtractPixels with <c>interleavePixelColors: false</c> writes planes in the order of the
/// letters of <see cref="ImagePixelExtractingEstimator.ColorsOrder"/> after dropping A:
/// <c>ARGB</c> = R, G, B planes; <c>ABGR</c> = B, G, R planes (whatever the MLImage's own
/// BGRA/RGBA layout).</item>
/// <item>The ONNX step runs one row at a time (batch 1). Its thread counts apply to the session
/// made here; a model loaded from a zip later opens a new session with the loading MLContext's
/// <see cref="OnnxSessionOptions"/> (see <see cref="UseThreads"/>), as ML.NET does not save them.</item>
/// </list>
/// </summary>
public static class BackboneEstimator
{
    /// <summary>The intermediate image column (the input resized to the graph's input size).</summary>
    public const string ResizedImageColumn = "BackboneImage";

    /// <summary>
    /// ResizeImages(W, H, Fill) → ExtractPixels(planar, raw 0..255, <see cref="PixelGraph.ChannelOrder"/>)
    /// → ApplyOnnxModel(<paramref name="graph"/>) with the batch dimension fixed at 1, so
    /// <paramref name="featuresColumn"/> is a known-size vector of <see cref="PixelGraph.FeatureSize"/> floats.
    /// </summary>
    /// <param name="ml">The context.</param>
    /// <param name="graph">The backbone's pixel graph (e.g. <see cref="BackboneFeaturizer.Graph"/>).</param>
    /// <param name="imageColumn">Input column of <see cref="MLImage"/>s (see <see cref="Imaging.MLImages.FromMat"/>).</param>
    /// <param name="featuresColumn">Output column of features.</param>
    /// <param name="threads">ONNX Runtime intra-op threads of the session made now (≥ 1); inter-op threads are 1.</param>
    public static IEstimator<ITransformer> Build(MLContext ml, PixelGraph graph, string imageColumn, string featuresColumn, int threads)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrWhiteSpace(imageColumn);
        ArgumentException.ThrowIfNullOrWhiteSpace(featuresColumn);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (featuresColumn == graph.InputName || imageColumn == graph.InputName || imageColumn == graph.OutputName)
        {
            throw new ArgumentException($"the columns '{imageColumn}' and '{featuresColumn}' must not be named after the graph's own '{graph.InputName}' / '{graph.OutputName}'");
        }

        var estimator = ml.Transforms.ResizeImages(ResizedImageColumn, graph.InputWidth, graph.InputHeight, imageColumn, ImageResizingEstimator.ResizingKind.Fill)
            .Append(ml.Transforms.ExtractPixels(
                graph.InputName,
                ResizedImageColumn,
                ImagePixelExtractingEstimator.ColorBits.Rgb,
                ColorsOrder(graph.ChannelOrder),
                interleavePixelColors: false,
                offsetImage: 0f,
                scaleImage: 1f,
                outputAsFloatArray: true))
            .Append(ml.Transforms.ApplyOnnxModel(new OnnxOptions
            {
                ModelFile = graph.Path,
                InputColumns = [graph.InputName],
                OutputColumns = [graph.OutputName],
                ShapeDictionary = new Dictionary<string, int[]>
                {
                    [graph.InputName] = [1, 3, graph.InputHeight, graph.InputWidth],
                    [graph.OutputName] = [1, graph.FeatureSize],
                },
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
            }));

        return featuresColumn == graph.OutputName
            ? estimator
            : estimator.Append(ml.Transforms.CopyColumns(featuresColumn, graph.OutputName));
    }

    /// <summary>The ExtractPixels order whose planes are in <paramref name="order"/>: ARGB for RGB, ABGR for BGR.</summary>
    public static ImagePixelExtractingEstimator.ColorsOrder ColorsOrder(ChannelOrder order) => order switch
    {
        ChannelOrder.Rgb => ImagePixelExtractingEstimator.ColorsOrder.ARGB,
        ChannelOrder.Bgr => ImagePixelExtractingEstimator.ColorsOrder.ABGR,
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, null),
    };

    /// <summary>
    /// <paramref name="requested"/> ONNX Runtime threads, or one per core when it is 0 (the default):
    /// the rule of every <c>threads</c> parameter that ends here (MaskModel.Load, the estimators).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is negative (it meant every core before, unsaid).</exception>
    public static int ThreadsOrAll(int requested, [CallerArgumentExpression(nameof(requested))] string? paramName = null) => requested switch
    {
        > 0 => requested,
        0 => Environment.ProcessorCount,
        _ => throw new ArgumentOutOfRangeException(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} must be 0 (one per core) or more, got {requested}")),
    };

    /// <summary>
    /// Makes every ONNX session <paramref name="ml"/> opens from now on, including those of models
    /// it loads from a zip, use <paramref name="threads"/> intra-op threads, one inter-op thread,
    /// no spinning (the detector's stages share the cores) and errors-only logging. This replaces
    /// the thread counts passed to <see cref="Build"/>.
    /// </summary>
    public static void UseThreads(MLContext ml, int threads)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ml.SetOnnxSessionOption(new OnnxSessionOptions
        {
            CreateSessionOptions = () =>
            {
                var options = new SessionOptions
                {
                    IntraOpNumThreads = threads,
                    InterOpNumThreads = 1,
                    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                    LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                };
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
                return options;
            },
        });
    }
}
