using MaskTrainer.Features;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace MaskTrainer.Model;

/// <summary>
/// The estimator chain, laid out like Model Builder's <c>MLModel.training.cs</c>:
/// <see cref="BuildPipeline"/> is the whole chain from image to <c>PredictedLabel</c>/<c>Score</c>;
/// <see cref="BuildHead"/> is its trainable part, which training fits on cached features
/// (featurizing every image through ML.NET one row at a time would be several times slower;
/// the cached features are exactly what the chain's ApplyOnnxModel step computes).
/// </summary>
public static class MaskModelTraining
{
    /// <summary>
    /// ResizeImages → ExtractPixels → ApplyOnnxModel (the backbone's pixel graph: preprocessing,
    /// network, pooling) → MapValueToKey(Label) → NormalizeMeanVariance → cache checkpoint → trainer → MapKeyToValue.
    /// Fits rows of <see cref="ModelInput"/> (<c>Label</c>, <c>Image</c>) as they are: with
    /// <see cref="HeadOptions.BalanceClasses"/> the class weights are computed from the labels at the fit (see <see cref="BuildHead"/>).
    /// </summary>
    /// <param name="threads">ONNX Runtime intra-op threads of the backbone (0 = every core).</param>
    public static IEstimator<ITransformer> BuildPipeline(MLContext ml, PixelGraph backbone, IReadOnlyList<string> labels,
        HeadOptions? options = null, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return BuildFeaturizer(ml, backbone, threads)
            .Append(BuildHead(ml, labels, options ?? HeadOptions.Default));
    }

    /// <summary>The frozen part: image column <c>Image</c> → feature column <c>Features</c>.</summary>
    public static IEstimator<ITransformer> BuildFeaturizer(MLContext ml, PixelGraph backbone, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        return BackboneEstimator.Build(ml, backbone, FeatureDataView.Image, FeatureDataView.Features, BackboneEstimator.ThreadsOrAll(threads));
    }

    /// <summary>
    /// The trainable part: <c>Features</c> → <c>Score</c> (probabilities in <paramref name="labels"/>
    /// order) and <c>PredictedLabel</c> (class name). <see cref="HeadOptions.Trainer"/> must not be Auto here.
    /// With <see cref="HeadOptions.BalanceClasses"/> the trainer weighs each row by the <c>Weight</c>
    /// column when the data has one (<see cref="FeatureDataView"/>'s); on data without one (images,
    /// <see cref="ModelInput"/>) the fit computes the same class weights from the <c>Label</c> column.
    /// </summary>
    public static IEstimator<ITransformer> BuildHead(MLContext ml, IReadOnlyList<string> labels, HeadOptions options)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // The cache checkpoint: SDCA and L-BFGS pass over the rows many times (SDCA about 30 passes
        // and as many convergence checks here); without it every pass ran the rows through the key
        // mapping and the normalizer again. It also lets the trainer shuffle by row index instead
        // of through a pool, so the same seed gives another (still fixed) row order than before.
        var head = ml.Transforms.Conversion.MapValueToKey(FeatureDataView.Label, keyData: FeatureDataView.LabelKeys(ml, labels))
            .Append(ml.Transforms.NormalizeMeanVariance(FeatureDataView.Features))
            .AppendCacheCheckpoint(ml)
            .Append(Trainer(ml, options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        return options.BalanceClasses ? new BalancedHead(ml, labels, head) : head;
    }

    /// <summary>
    /// A head whose trainer reads the <c>Weight</c> column (<see cref="HeadOptions.BalanceClasses"/>).
    /// Data with that column (training's <see cref="FeatureDataView"/>) is fitted as it is. On data
    /// without it, Fit reads the <c>Label</c> column once (the images are not touched), weighs each class
    /// as <see cref="FeatureDataView.BalancedWeights"/> does and adds the column for the fit only: the
    /// fitted head is the same chain either way, and a saved model has no weighting step to load.
    /// </summary>
    private sealed class BalancedHead(MLContext ml, IReadOnlyList<string> labels, IEstimator<ITransformer> head) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input)
        {
            ArgumentNullException.ThrowIfNull(input);
            if (input.Schema.GetColumnOrNull(FeatureDataView.Weight) is not null)
            {
                return head.Fit(input);
            }

            var weighted = Weights(ClassWeights(input)).Fit(input).Transform(input);
            return head.Fit(weighted);
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            ArgumentNullException.ThrowIfNull(inputSchema);
            foreach (var column in inputSchema)
            {
                if (column.Name == FeatureDataView.Weight)
                {
                    return head.GetOutputSchema(inputSchema);
                }
            }

            return head.GetOutputSchema(Weights(null).GetOutputSchema(inputSchema));
        }

        /// <summary>Label → its class weight (1 each when null: the schema alone); a label not in the list weighs 0, as it is not learned.</summary>
        private IEstimator<ITransformer> Weights(float[]? weights)
        {
            var pairs = new List<KeyValuePair<string, float>>(labels.Count);
            for (int c = 0; c < labels.Count; c++)
            {
                pairs.Add(new(labels[c], weights?[c] ?? 1f));
            }

            return ml.Transforms.Conversion.MapValue(FeatureDataView.Weight, pairs, FeatureDataView.Label);
        }

        private float[] ClassWeights(IDataView input)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int c = 0; c < labels.Count; c++)
            {
                index.TryAdd(labels[c], c);
            }

            var rows = new List<int>();
            foreach (var label in input.GetColumn<string>(FeatureDataView.Label))
            {
                if (label is not null && index.TryGetValue(label, out int c))
                {
                    rows.Add(c);
                }
            }

            return FeatureDataView.BalancedWeights(rows.ToArray(), labels.Count);
        }
    }

    /// <summary>
    /// Fits the head on <paramref name="train"/> (a <see cref="FeatureDataView"/>). With
    /// <see cref="TrainerKind.Auto"/> every trainer is fitted and the one with the lowest
    /// log-loss on <paramref name="validation"/> (the training rows when there is none) is kept.
    /// </summary>
    /// <param name="cancellationToken">Stops the fit through ML.NET's <c>MLContext.CancelExecution</c>:
    /// <paramref name="ml"/> is unusable afterwards.</param>
    /// <exception cref="OperationCanceledException">Cancelled, during a fit or after it.</exception>
    public static HeadFit FitHead(MLContext ml, IDataView train, IDataView? validation, IReadOnlyList<string> labels,
        HeadOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        // ML.NET checks its context between passes over the rows, so cancelling the context stops
        // a fit that may take minutes on a large set within a pass.
        using var stop = cancellationToken.Register(() => CancelExecution(ml));
        try
        {
            var fit = Fit(ml, train, validation, labels, options, log, cancellationToken);
            // A fit may end without looking at the context again (cancelled in its last pass).
            cancellationToken.ThrowIfCancellationRequested();
            return fit;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && !(e is OperationCanceledException o && o.CancellationToken == cancellationToken))
        {
            // What ML.NET throws on CancelExecution depends on where the trainer was (its own
            // OperationCanceledException, or that wrapped); the caller sees one kind, with its token.
            throw new OperationCanceledException("training the head was cancelled", e, cancellationToken);
        }
    }

    private static HeadFit Fit(MLContext ml, IDataView train, IDataView? validation, IReadOnlyList<string> labels,
        HeadOptions options, Action<string>? log, CancellationToken cancellationToken)
    {
        if (options.Trainer != TrainerKind.Auto)
        {
            return new HeadFit(BuildHead(ml, labels, options).Fit(train), options.Trainer, []);
        }

        // Without a validation set the candidates are scored on the rows they learned from, which
        // favours the one that overfits most: the log says so rather than calling it validation.
        string scoredOn = validation is null ? "training" : "validation";

        var candidates = new List<TrainerScore>();
        ITransformer? best = null;
        var bestKind = TrainerKind.LbfgsMaximumEntropy;
        double bestLoss = double.PositiveInfinity;
        foreach (var kind in new[] { TrainerKind.LbfgsMaximumEntropy, TrainerKind.SdcaMaximumEntropy, TrainerKind.LightGbm })
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var head = BuildHead(ml, labels, options with { Trainer = kind }).Fit(train);
            var metrics = ml.MulticlassClassification.Evaluate(head.Transform(validation ?? train));
            candidates.Add(new TrainerScore(kind, metrics.LogLoss, metrics.MacroAccuracy, clock.Elapsed));
            log?.Invoke(FormattableString.Invariant($"{kind}: {scoredOn} log-loss {metrics.LogLoss:0.0000}, macro accuracy {metrics.MacroAccuracy:0.0000} ({clock.Elapsed.TotalSeconds:0.0} s)"));
            if (metrics.LogLoss < bestLoss)
            {
                (best, bestKind, bestLoss) = (head, kind, metrics.LogLoss);
            }
        }

        log?.Invoke(FormattableString.Invariant($"Kept {bestKind}: the lowest {scoredOn} log-loss ({bestLoss:0.0000})"));
        return new HeadFit(best!, bestKind, candidates);
    }

    // MLContext.CancelExecution is internal in ML.NET 6; its public wrapper is in the
    // Microsoft.ML.Experimental package, which the package feed this project uses does not serve.
    // A missing method would throw MissingMethodException here, which MaskModelTrainingTests
    // would catch on an ML.NET upgrade.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "CancelExecution")]
    private static extern void CancelExecution(MLContext ml);

    // One thread each: ML.NET's parallel reductions change the sums' order, and a seed must give the same model.
    private static IEstimator<ITransformer> Trainer(MLContext ml, HeadOptions o) => o.Trainer switch
    {
        TrainerKind.LbfgsMaximumEntropy => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(Columns(o, new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L2Regularization = o.L2,
            L1Regularization = 0,
            MaximumNumberOfIterations = o.MaxIterations,
            NumberOfThreads = 1,
        })),
        TrainerKind.SdcaMaximumEntropy => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(Columns(o, new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            L2Regularization = o.L2,
            MaximumNumberOfIterations = o.MaxIterations,
            NumberOfThreads = 1,
        })),
        TrainerKind.LightGbm => ml.MulticlassClassification.Trainers.LightGbm(Columns(o, new LightGbmMulticlassTrainer.Options
        {
            NumberOfIterations = o.MaxIterations,
            NumberOfThreads = 1,
            Seed = o.Seed,
            Verbose = false,
            Silent = true,
        })),
        _ => throw new ArgumentException($"trainer {o.Trainer} cannot be built directly; Auto picks one of the others", nameof(o)),
    };

    /// <summary>The columns every trainer reads: Label, Features, and Weight when classes are balanced.</summary>
    private static T Columns<T>(HeadOptions o, T options) where T : TrainerInputBaseWithWeight
    {
        options.LabelColumnName = FeatureDataView.Label;
        options.FeatureColumnName = FeatureDataView.Features;
        options.ExampleWeightColumnName = o.BalanceClasses ? FeatureDataView.Weight : null;
        return options;
    }
}

/// <summary>A fitted head and, for <see cref="TrainerKind.Auto"/>, how each candidate scored.</summary>
public sealed record HeadFit(ITransformer Head, TrainerKind Trainer, IReadOnlyList<TrainerScore> Candidates);

/// <summary>One trainer tried by <see cref="TrainerKind.Auto"/>.</summary>
public sealed record TrainerScore(TrainerKind Trainer, double ValidationLogLoss, double ValidationMacroAccuracy, TimeSpan Elapsed);
