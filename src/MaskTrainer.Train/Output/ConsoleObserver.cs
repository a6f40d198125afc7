using System.Diagnostics;
using MaskTrainer.Data;
using MaskTrainer.Features;
using MaskTrainer.Model;
using MaskTrainer.Reporting;

namespace MaskTrainer.Train.Output;

/// <summary>
/// Renders a training run on the console: a one-line progress bar per featurizing part (redrawn
/// in place on a terminal, a line per quarter when output is redirected), a line per epoch,
/// and warnings (the first few skipped images, then a count).
/// </summary>
internal sealed class ConsoleObserver : ITrainingObserver
{
    private const int MaxWarnings = 20;
    private readonly Lock _gate = new();
    private readonly bool _interactive = ProgressConsole.IsLive;
    private readonly Stopwatch _partClock = new();
    private string? _part;
    private int _lastQuarter = -1;
    private int _warnings;
    private bool _barOpen;

    public void Info(string message)
    {
        lock (_gate)
        {
            CloseBar();
            Console.WriteLine(message);
        }
    }

    public void Warning(string message)
    {
        lock (_gate)
        {
            _warnings++;
            if (_warnings > MaxWarnings)
            {
                return;
            }

            CloseBar();
            Console.Error.WriteLine($"warning: {HumanText.Escape(message)}"); // one line, whatever a file name holds
        }
    }

    public void Featurizing(string part, FeaturizeProgress progress)
    {
        lock (_gate)
        {
            if (_part != part)
            {
                CloseBar();
                _part = part;
                _lastQuarter = -1;
                _partClock.Restart();
            }

            int total = Math.Max(1, progress.Total);
            double fraction = Math.Clamp((double)progress.Done / total, 0, 1);
            // The rate counts images the backbone ran on: cache hits arrive thousands per second and mean nothing.
            double rate = progress.Computed / Math.Max(1e-3, _partClock.Elapsed.TotalSeconds);
            string speed = progress.Computed > 0 ? $"{rate,6:0} img/s" : "cached";
            string line = $"Featurizing {part,-10} [{Bar(fraction)}] {progress.Done,5}/{progress.Total} {speed}";
            if (_interactive)
            {
                Console.Error.Write($"\r{line}");
                _barOpen = progress.Done < progress.Total;
                if (!_barOpen)
                {
                    Console.Error.WriteLine();
                }
            }
            else
            {
                int quarter = (int)(fraction * 4);
                if (quarter != _lastQuarter)
                {
                    _lastQuarter = quarter;
                    Console.Error.WriteLine(line);
                }
            }
        }
    }

    /// <summary>Ends an open progress line and reports warnings that were not printed.</summary>
    /// <param name="listedInMetrics">A metrics.json listing every skipped image was written (a training run that completed).</param>
    public void Finish(bool listedInMetrics)
    {
        lock (_gate)
        {
            CloseBar();
            if (_warnings > MaxWarnings)
            {
                Console.Error.WriteLine($"warning: ... and {_warnings - MaxWarnings} more{(listedInMetrics ? " (every skipped image is listed in metrics.json)" : " (not shown)")}");
            }
        }
    }

    private void CloseBar()
    {
        if (_barOpen)
        {
            Console.Error.WriteLine();
            _barOpen = false;
        }
    }

    private static string Bar(double fraction)
    {
        const int width = 28;
        int filled = (int)Math.Round(fraction * width);
        return new string('#', filled) + new string('-', width - filled);
    }
}
