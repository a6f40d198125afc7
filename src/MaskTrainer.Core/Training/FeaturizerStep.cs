using MaskTrainer.Features;
using MaskTrainer.Model;
using Microsoft.ML;

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
    private bool _done;

    // An MLContext of its own: one must not be used by two threads at once, and the head's
    // context (and so the model it trains) stays as it was.
    public FeaturizerStep(PixelGraph backbone) =>
        _task = Task.Run(() => MaskModel.FitFeaturizer(new MLContext(seed: 0), backbone));

    /// <summary>The fitted featurizer (or its failure, rethrown); the caller owns it from now on.</summary>
    public ITransformer Take()
    {
        _done = true;
        return _task.GetAwaiter().GetResult();
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
