using MaskTrainer.Features;
using MaskTrainer.Model;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace MaskTrainer;

/// <summary>
/// The saved model's featurizer step (<see cref="MaskModel.FitFeaturizer"/>: ML.NET's
/// ApplyOnnxModel, which loads the backbone into ONNX Runtime), built on a pool thread while the
/// head trains on one core. Until <see cref="Take"/> hands it on, disposing waits for it and
/// releases it, so a run that fails in between leaves no session behind.
/// </summary>
internal sealed class FeaturizerStep : IDisposable
{
    private readonly Task<ITransformer> _task;
    private readonly string _backboneId, _source;
    private bool _done;

    /// <param name="graph">The backbone's pixel graph.</param>
    /// <param name="backboneId">Its catalog id, for errors.</param>
    /// <param name="source">Its network file, for errors.</param>
    public FeaturizerStep(PixelGraph graph, string backboneId, string source)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _backboneId = backboneId;
        _source = source;
        // An MLContext of its own: one must not be used by two threads at once, and the head's
        // context (and so the model it trains) stays as it was.
        _task = Task.Run(() => MaskModel.FitFeaturizer(new MLContext(seed: 0), graph));
    }

    /// <summary>The fitted featurizer; the caller owns it from now on.</summary>
    /// <exception cref="BackboneException">ONNX Runtime cannot load the backbone (on a run whose features
    /// were all cached, this is the first time it is loaded).</exception>
    public ITransformer Take()
    {
        _done = true;
        try
        {
            return _task.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is InvalidOperationException or OnnxRuntimeException)
        {
            // ML.NET wraps ONNX Runtime's failure ("Error initializing model: ...") in an InvalidOperationException.
            throw new BackboneException($"{_source}: cannot load backbone '{_backboneId}' into the model: {MaskModel.FirstLine(e.Message)}", e);
        }
    }

    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        try
        {
            (_task.GetAwaiter().GetResult() as IDisposable)?.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The step failed too; the run is already failing for the reason its caller reports.
        }
    }
}
