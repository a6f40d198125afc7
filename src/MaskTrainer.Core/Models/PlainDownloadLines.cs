using System.Diagnostics;

namespace MaskTrainer.Models;

/// <summary>
/// Download progress for logs and pipes: a line when a file starts, one at each quarter, one when
/// it is done (size, time, rate) or stopped (and what was kept). No ANSI codes, no carriage returns.
/// </summary>
public sealed class PlainDownloadLines(TextWriter writer) : IProgress<DownloadProgress>
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, FileState> files = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Report(DownloadProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (gate)
        {
            if (!files.TryGetValue(value.FileName, out var state) && value.IsFinal)
            {
                // Failed before any byte arrived (HTTP 404, offline): the error that follows says it all.
                writer.WriteLine(DownloadText.Final(value, value.Stage, 0, TimeSpan.Zero));
                return;
            }

            if (state is null)
            {
                // A resumed download starts past some quarters: only the ones crossed in this run are news.
                state = new FileState(Stopwatch.StartNew(), value.BytesDone, value.Stage) { Quarter = Quarter(value) };
                files[value.FileName] = state;
                writer.WriteLine(value.Stage == DownloadStage.Unpacking ? $"unpacking {value.FileName} from its npm tarball" : DownloadText.Start(value));
            }

            if (value.IsFinal)
            {
                files.Remove(value.FileName);
                writer.WriteLine(DownloadText.Final(value, state.Stage, value.BytesDone - state.FirstBytes, state.Clock.Elapsed));
                return;
            }

            state.Stage = value.Stage;
            int quarter = Quarter(value);
            if (value.Stage == DownloadStage.Transferring && quarter is > 0 and < 4 && quarter > state.Quarter)
            {
                state.Quarter = quarter;
                var rate = DownloadText.Rate(value.BytesDone - state.FirstBytes, state.Clock.Elapsed);
                writer.WriteLine($"  {value.FileName}: {quarter * 25} % ({DownloadText.Megabytes(value.BytesDone)} of {DownloadText.Megabytes(value.TotalBytes!.Value)}, {rate})");
            }
        }
    }

    private static int Quarter(DownloadProgress p) => p.Fraction is double f ? (int)(f * 4) : 0;

    private sealed class FileState(Stopwatch clock, long firstBytes, DownloadStage stage)
    {
        public Stopwatch Clock { get; } = clock;

        public long FirstBytes { get; } = firstBytes;

        public DownloadStage Stage { get; set; } = stage;

        public int Quarter { get; set; }
    }
}
