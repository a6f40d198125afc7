using System.Diagnostics;
using MaskTrainer.Training;

namespace MaskTrainer.Bench;

/// <summary>
/// Head training speed on the issue's reference size: 1,200 training feature vectors of
/// 1024-D, 2 classes (plus 200 validation rows). Synthetic features shaped like a CNN's
/// pooled output (non-negative, weakly separable). Prints wall time per configuration, both
/// as configured (early stopping) and with the full 100-epoch budget (patience 0), which is
/// the worst case the 10 s target applies to.
/// </summary>
public static class HeadTrainingBenchmark
{
    private const int TrainRows = 1200, ValidationRows = 200, Dimension = 1024, Classes = 2;

    public static void Run()
    {
        var train = Synthetic(TrainRows, seed: 1);
        var validation = Synthetic(ValidationRows, seed: 2);
        Console.WriteLine($"Head training: {TrainRows} x {Dimension}-D train, {ValidationRows} validation, {Classes} classes, {Environment.ProcessorCount} cores (training is single-threaded)");

        (string Name, HeadOptions Options)[] configs =
        [
            ("softmax + Adam", new HeadOptions { Kind = HeadKind.SoftmaxRegression, Optimizer = OptimizerKind.Adam }),
            ("softmax + L-BFGS", new HeadOptions { Kind = HeadKind.SoftmaxRegression, Optimizer = OptimizerKind.Lbfgs }),
            ("MLP-128 + Adam", new HeadOptions { Kind = HeadKind.Mlp, Optimizer = OptimizerKind.Adam }),
            ("MLP-128 + L-BFGS", new HeadOptions { Kind = HeadKind.Mlp, Optimizer = OptimizerKind.Lbfgs }),
        ];

        // Warm-up, so tiered JIT compilation is not timed.
        var small = Synthetic(64, seed: 3);
        foreach (var (_, options) in configs)
        {
            for (int i = 0; i < 3; i++)
            {
                HeadTrainer.Train(small, small, options with { MaxEpochs = 30, EarlyStoppingPatience = 0 });
            }
        }

        Console.WriteLine($"{"configuration",-18} {"budget",-14} {"epochs",6} {"stop",-13} {"seconds",8} {"ms/epoch",9} {"val acc",8}");
        foreach (var (name, options) in configs)
        {
            foreach (var (budget, o) in new[] { ("early stopping", options), ("100 epochs", options with { EarlyStoppingPatience = 0 }) })
            {
                var sw = Stopwatch.StartNew();
                var result = HeadTrainer.Train(train, validation, o);
                sw.Stop();
                int epochs = result.History.Count;
                double acc = result.History[result.BestEpoch - 1].ValidationAccuracy ?? double.NaN;
                Console.WriteLine($"{name,-18} {budget,-14} {epochs,6} {result.StopReason,-13} {sw.Elapsed.TotalSeconds,8:F2} {sw.Elapsed.TotalMilliseconds / epochs,9:F1} {acc,8:P1}");
            }
        }

        // Prediction cost of one vector (the webcam path).
        var head = HeadTrainer.Train(train, validation, new HeadOptions { Kind = HeadKind.Mlp, MaxEpochs = 5 }).Head;
        var probabilities = new float[Classes];
        var scratch = new float[head.ScratchSize];
        var row = train.Row(0);
        const int Calls = 20_000;
        for (int i = 0; i < 2_000; i++)
        {
            head.Predict(row, probabilities, scratch);
            head.Predict(row, probabilities);
        }

        var timer = new Stopwatch();
        long before = GC.GetAllocatedBytesForCurrentThread();
        timer.Start();
        for (int i = 0; i < Calls; i++)
        {
            head.Predict(row, probabilities, scratch);
        }

        timer.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"MLP-128 Predict (caller scratch): {timer.Elapsed.TotalMicroseconds / Calls:F1} us per vector, {allocated} bytes allocated over {Calls} calls");
        before = GC.GetAllocatedBytesForCurrentThread();
        timer.Restart();
        for (int i = 0; i < Calls; i++)
        {
            head.Predict(row, probabilities);
        }

        timer.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"MLP-128 Predict (stackalloc):     {timer.Elapsed.TotalMicroseconds / Calls:F1} us per vector, {allocated} bytes allocated over {Calls} calls");
    }

    private static FeatureSet Synthetic(int rows, int seed)
    {
        // Class 1 shifts a random half of the features up a little: separable in aggregate,
        // not per feature, like pooled CNN activations.
        var random = new Random(seed);
        var direction = new Random(99);
        var shift = new float[Dimension];
        for (int j = 0; j < Dimension; j++)
        {
            shift[j] = direction.NextDouble() < 0.5 ? 0.15f : 0f;
        }

        var x = new float[rows * Dimension];
        var y = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = i % Classes;
            for (int j = 0; j < Dimension; j++)
            {
                double g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                x[i * Dimension + j] = Math.Max(0f, (float)g + (y[i] == 1 ? shift[j] : 0f));
            }
        }

        return new FeatureSet(x, rows, Dimension, y, Classes);
    }
}
