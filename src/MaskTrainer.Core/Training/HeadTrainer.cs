using System.Diagnostics;
using System.Numerics.Tensors;

namespace MaskTrainer.Training;

/// <summary>
/// Trains a <see cref="TrainedHead"/> on cached features. Single-threaded with a fixed
/// operation order and its own PRNG, so the same data, options and seed give bitwise identical
/// weights on the same machine and runtime. (CPUs with different SIMD widths, e.g. AVX2 and
/// AVX-512, may differ in the last bits, as vector sums are grouped differently.)
/// </summary>
public static class HeadTrainer
{
    // Rows per forward pass when evaluating or computing a full-batch gradient.
    private const int Chunk = 256;

    /// <summary>
    /// Fits a head. With a validation set, each epoch's validation log-loss is tracked, training
    /// stops after <see cref="HeadOptions.EarlyStoppingPatience"/> epochs without improvement and
    /// the best epoch's weights are returned.
    /// </summary>
    /// <exception cref="ArgumentException">Sets disagree in dimension or class count, the
    /// training set is empty, or a class has no training rows.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static TrainingResult Train(
        FeatureSet train,
        FeatureSet? validation,
        HeadOptions? options = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        options ??= HeadOptions.Default;
        options.Validate();
        if (train.Rows == 0)
        {
            throw new ArgumentException("the training set is empty", nameof(train));
        }

        if (validation is not null)
        {
            if (validation.Dimension != train.Dimension || validation.ClassCount != train.ClassCount)
            {
                throw new ArgumentException(
                    $"validation features are {validation.Dimension}-D with {validation.ClassCount} classes; training features are {train.Dimension}-D with {train.ClassCount}",
                    nameof(validation));
            }

            if (validation.Rows == 0)
            {
                validation = null;
            }
        }

        var counts = train.ClassCounts();
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0)
            {
                throw new ArgumentException($"class {c} has no training rows; every class needs at least one", nameof(train));
            }
        }

        var clock = Stopwatch.StartNew();
        int dim = train.Dimension;
        var (mean, std) = options.StandardizeFeatures ? ComputeStandardization(train) : Identity(dim);
        var invStd = TrainedHead.InverseOf(std);
        var network = new HeadNetwork(options.Kind, dim, options.Kind == HeadKind.Mlp ? options.HiddenUnits : 0, train.ClassCount);
        var run = new Run(
            network,
            options,
            Standardize(train, mean, invStd),
            train.LabelArray,
            validation is null ? null : Standardize(validation, mean, invStd),
            validation?.LabelArray,
            ClassWeights(counts, options.ClassWeighting),
            progress,
            clock,
            cancellationToken);

        var random = new SeededRandom(options.Seed);
        var parameters = new float[network.ParameterCount];
        network.Initialize(parameters, random);
        var reason = options.Optimizer == OptimizerKind.Adam
            ? run.Adam(parameters, random)
            : run.Lbfgs(parameters);

        var (final, bestEpoch) = run.Best(parameters);
        var head = new TrainedHead(network, final, mean, std);
        return new TrainingResult(head, run.History, bestEpoch, reason, clock.Elapsed);
    }

    internal static double LearningRateAt(HeadOptions options, int epoch) => options.Schedule switch
    {
        LearningRateSchedule.Cosine => options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / options.MaxEpochs)),
        LearningRateSchedule.Step => options.LearningRate * Math.Pow(options.StepDecayFactor, (epoch - 1) / options.StepDecayEpochs),
        _ => options.LearningRate,
    };

    private static (float[] Mean, float[] Std) ComputeStandardization(FeatureSet set)
    {
        // Two passes in double, row by row in order: exact enough and reproducible.
        int dim = set.Dimension, rows = set.Rows;
        var x = set.FeatureArray;
        var sum = new double[dim];
        for (int i = 0; i < rows; i++)
        {
            var row = x.AsSpan(i * dim, dim);
            for (int j = 0; j < dim; j++)
            {
                sum[j] += row[j];
            }
        }

        var mean = new float[dim];
        for (int j = 0; j < dim; j++)
        {
            mean[j] = (float)(sum[j] / rows);
        }

        Array.Clear(sum);
        for (int i = 0; i < rows; i++)
        {
            var row = x.AsSpan(i * dim, dim);
            for (int j = 0; j < dim; j++)
            {
                double d = row[j] - (double)mean[j];
                sum[j] += d * d;
            }
        }

        var std = new float[dim];
        for (int j = 0; j < dim; j++)
        {
            double s = Math.Sqrt(sum[j] / rows);

            // A constant feature carries no information; dividing by ~0 would only amplify noise.
            std[j] = s > 1e-6 ? (float)s : 1f;
        }

        return (mean, std);
    }

    private static (float[] Mean, float[] Std) Identity(int dim)
    {
        var std = new float[dim];
        Array.Fill(std, 1f);
        return (new float[dim], std);
    }

    private static float[] Standardize(FeatureSet set, float[] mean, float[] invStd)
    {
        int dim = set.Dimension;
        var src = set.FeatureArray;
        var dst = new float[src.Length];
        for (int i = 0; i < set.Rows; i++)
        {
            DenseKernels.Standardize(src.AsSpan(i * dim, dim), mean, invStd, dst.AsSpan(i * dim, dim));
        }

        return dst;
    }

    private static float[] ClassWeights(int[] counts, ClassWeighting weighting)
    {
        if (weighting == ClassWeighting.None)
        {
            return [];
        }

        int total = counts.Sum();
        var weights = new float[counts.Length];
        for (int c = 0; c < counts.Length; c++)
        {
            weights[c] = (float)((double)total / (counts.Length * (double)counts[c]));
        }

        return weights;
    }

    /// <summary>State shared by both optimizers: data, evaluation, history and best-epoch tracking.</summary>
    private sealed class Run(
        HeadNetwork network,
        HeadOptions options,
        float[] xTrain,
        int[] yTrain,
        float[]? xValidation,
        int[]? yValidation,
        float[] classWeights,
        IProgress<EpochReport>? progress,
        Stopwatch clock,
        CancellationToken cancellationToken)
    {
        private readonly HeadNetwork.Workspace _evalSpace = new(network, Chunk);
        private readonly List<EpochReport> _history = [];
        private readonly int _rows = yTrain.Length;
        private readonly int _dim = network.InputSize;
        private float[]? _bestParameters;
        private double _bestLoss = double.PositiveInfinity;
        private int _bestEpoch;
        private int _epochsWithoutImprovement;

        public IReadOnlyList<EpochReport> History => _history;

        public StopReason Adam(float[] parameters, SeededRandom random)
        {
            int batch = Math.Min(options.BatchSize, _rows);
            var ws = new HeadNetwork.Workspace(network, batch);
            var order = new int[_rows];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            var batchX = new float[batch * _dim];
            var batchY = new int[batch];
            var gradient = new float[network.ParameterCount];
            var adam = new AdamOptimizer(network.ParameterCount);
            float dropout = network.Kind == HeadKind.Mlp ? (float)options.Dropout : 0f;
            float l2 = (float)options.L2;

            for (int epoch = 1; epoch <= options.MaxEpochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double rate = LearningRateAt(options, epoch);
                random.Shuffle(order.AsSpan());
                for (int start = 0; start < _rows; start += batch)
                {
                    int n = Math.Min(batch, _rows - start);
                    for (int i = 0; i < n; i++)
                    {
                        int r = order[start + i];
                        xTrain.AsSpan(r * _dim, _dim).CopyTo(batchX.AsSpan(i * _dim, _dim));
                        batchY[i] = yTrain[r];
                    }

                    Array.Clear(gradient);
                    network.ForwardBackward(parameters, batchX, batchY, n, classWeights, gradient, ws, dropout, random);
                    TensorPrimitives.Multiply(gradient, 1f / n, gradient);
                    network.AddL2(parameters, gradient, l2);
                    adam.Step(parameters, gradient, rate);
                }

                var trainStats = Evaluate(parameters, xTrain, yTrain);
                if (EndEpoch(epoch, parameters, trainStats, rate))
                {
                    return StopReason.EarlyStopping;
                }
            }

            return StopReason.MaxEpochs;
        }

        public StopReason Lbfgs(float[] parameters)
        {
            int p = network.ParameterCount;
            var gradient = new float[p];
            var trial = new float[p];
            var trialGradient = new float[p];
            var direction = new float[p];
            var memory = new LbfgsMemory(options.LbfgsMemory, p);
            var ws = new HeadNetwork.Workspace(network, Chunk);
            var (f, _) = Objective(parameters, gradient, ws);

            for (int iteration = 1; iteration <= options.MaxEpochs; iteration++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                memory.Direction(gradient, direction);
                double slope = TensorPrimitives.Dot(gradient, direction);
                if (!(slope < 0))
                {
                    memory.Reset();
                    TensorPrimitives.Negate(gradient, direction);
                    slope = TensorPrimitives.Dot(gradient, direction);
                    if (!(slope < 0))
                    {
                        return StopReason.Converged; // zero gradient
                    }
                }

                // First step: unit length in parameter space; afterwards the quasi-Newton step of 1.
                double step = memory.Count == 0 ? Math.Min(1.0, 1.0 / TensorPrimitives.Norm(gradient)) : 1.0;
                bool accepted = false;
                double fTrial = 0;
                BatchStats stats = default;
                for (int attempt = 0; attempt < 40; attempt++)
                {
                    TensorPrimitives.MultiplyAdd(direction, (float)step, parameters, trial);
                    (fTrial, stats) = Objective(trial, trialGradient, ws);
                    if (fTrial <= f + 1e-4 * step * slope)
                    {
                        accepted = true;
                        break;
                    }

                    step *= 0.5;
                }

                if (!accepted)
                {
                    return StopReason.Converged; // no further decrease to find at float precision
                }

                memory.Push(parameters, trial, gradient, trialGradient);
                double relativeChange = (f - fTrial) / Math.Max(1.0, Math.Abs(fTrial));
                trial.CopyTo(parameters.AsSpan());
                trialGradient.CopyTo(gradient.AsSpan());
                f = fTrial;

                if (EndEpoch(iteration, parameters, stats, step))
                {
                    return StopReason.EarlyStopping;
                }

                if (relativeChange <= options.LbfgsTolerance)
                {
                    return StopReason.Converged;
                }
            }

            return StopReason.MaxEpochs;
        }

        /// <summary>The weights to keep: the best validation epoch's, else the last ones.</summary>
        public (float[] Parameters, int Epoch) Best(float[] last) =>
            _bestParameters is null ? (last, _history.Count) : (_bestParameters, _bestEpoch);

        // Full-batch objective: mean class-weighted log-loss + 0.5 * L2 * ||W||^2, and its gradient.
        private (double Value, BatchStats Stats) Objective(float[] parameters, float[] gradient, HeadNetwork.Workspace ws)
        {
            Array.Clear(gradient);
            BatchStats stats = default;
            for (int start = 0; start < _rows; start += Chunk)
            {
                int n = Math.Min(Chunk, _rows - start);
                stats += network.ForwardBackward(
                    parameters, xTrain.AsSpan(start * _dim, n * _dim), yTrain.AsSpan(start, n), n, classWeights, gradient, ws);
            }

            TensorPrimitives.Multiply(gradient, 1f / _rows, gradient);
            double penalty = network.AddL2(parameters, gradient, (float)options.L2);
            return (stats.WeightedLoss / _rows + penalty, stats);
        }

        private BatchStats Evaluate(float[] parameters, float[] x, int[] y)
        {
            BatchStats stats = default;
            for (int start = 0; start < y.Length; start += Chunk)
            {
                int n = Math.Min(Chunk, y.Length - start);
                network.Forward(parameters, x.AsSpan(start * _dim, n * _dim), n, _evalSpace);
                stats += network.SoftmaxAndLoss(y.AsSpan(start, n), n, _evalSpace, default);
            }

            return stats;
        }

        // Records the epoch, tracks the best validation loss; true when early stopping should fire.
        private bool EndEpoch(int epoch, float[] parameters, BatchStats train, double rate)
        {
            if (!double.IsFinite(train.Loss))
            {
                throw new InvalidOperationException(
                    $"training diverged at epoch {epoch} (training loss is {train.Loss}); lower the learning rate or keep StandardizeFeatures on");
            }

            double? validationLoss = null, validationAccuracy = null;
            if (xValidation is not null)
            {
                var v = Evaluate(parameters, xValidation, yValidation!);
                validationLoss = v.Loss / v.Rows;
                validationAccuracy = (double)v.Correct / v.Rows;
            }

            var report = new EpochReport(epoch, train.Loss / train.Rows, (double)train.Correct / train.Rows, validationLoss, validationAccuracy, rate, clock.Elapsed);
            _history.Add(report);
            progress?.Report(report);
            if (validationLoss is not { } loss)
            {
                return false;
            }

            if (_bestParameters is null || loss < _bestLoss - options.EarlyStoppingMinDelta)
            {
                _bestParameters ??= new float[parameters.Length];
                parameters.CopyTo(_bestParameters, 0);
                _bestLoss = loss;
                _bestEpoch = epoch;
                _epochsWithoutImprovement = 0;
                return false;
            }

            _epochsWithoutImprovement++;
            return options.EarlyStoppingPatience > 0 && _epochsWithoutImprovement >= options.EarlyStoppingPatience;
        }
    }
}
