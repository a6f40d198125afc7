using System.Diagnostics;
using MaskTrainer.Models;
using Spectre.Console;

namespace MaskTrainer.Train.Output;

/// <summary>
/// Download progress on a terminal: a Spectre.Console progress bar per file (bytes, rate, time
/// left), relabelled while the SHA-256 is checked or a member is unpacked, replaced by one line
/// (size, time, rate; or what was kept) when the file is done.
/// Downloads start deep inside synchronous lookups, so each bar runs Spectre's live display on its
/// own thread from the first report to the final one.
/// </summary>
internal sealed class LiveDownloadBar : IProgress<DownloadProgress>
{
    private readonly IAnsiConsole console;
    private readonly Lock gate = new();
    private FileBar? bar;

    public LiveDownloadBar(IAnsiConsole console)
    {
        this.console = console;

        // If the process ends mid-download (Ctrl+C while a synchronous lookup holds the token-less
        // download), Spectre leaves the cursor hidden: give it back.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => console.Cursor.Show(true);
    }

    public void Report(DownloadProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (gate)
        {
            if (bar is not null && bar.FileName != value.FileName)
            {
                bar.Close(null); // a second file started without the first one's final report
                bar = null;
            }

            if (bar is null && value.IsFinal)
            {
                // Failed before any byte arrived (HTTP 404, offline): no bar to draw.
                console.WriteLine(DownloadText.Final(value, value.Stage, 0, TimeSpan.Zero));
                return;
            }

            bar ??= new FileBar(console, value);
            if (value.IsFinal)
            {
                bar.Close(value);
                bar = null;
                return;
            }

            bar.Update(value);
        }
    }

    /// <summary>One file's live display; <see cref="Close"/> waits until Spectre has drawn the last frame.</summary>
    private sealed class FileBar
    {
        private readonly IAnsiConsole console;
        private readonly ManualResetEventSlim started = new();
        private readonly ManualResetEventSlim finished = new();
        private readonly Thread thread;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly long firstBytes;
        private DownloadStage stage;
        private ProgressTask? task;

        public FileBar(IAnsiConsole console, DownloadProgress first)
        {
            this.console = console;
            FileName = first.FileName;
            firstBytes = first.BytesDone;
            stage = first.Stage;
            thread = new Thread(() => Run(first)) { IsBackground = true, Name = "download progress" };
            thread.Start();
            started.Wait();
        }

        public string FileName { get; }

        public void Update(DownloadProgress p)
        {
            stage = p.Stage;
            if (task is null)
            {
                return;
            }

            task.Description = Label(p);
            if (p.TotalBytes is long total)
            {
                task.MaxValue = Math.Max(1, total);
            }

            // Unpacking reports no bytes until it is done: an indeterminate bar says "busy" instead of "0 %".
            task.IsIndeterminate = p.TotalBytes is null || p.Stage == DownloadStage.Unpacking;
            task.Value = p.BytesDone;
        }

        /// <summary>Ends the bar; <paramref name="final"/> null when the file was abandoned without a final report.</summary>
        public void Close(DownloadProgress? final)
        {
            if (final is not null && task is not null)
            {
                task.StopTask();
            }

            finished.Set();
            thread.Join();

            // The bar is cleared when it ends; one line stays, the same words as when piped.
            if (final is not null)
            {
                console.WriteLine(DownloadText.Final(final, stage, final.BytesDone - firstBytes, clock.Elapsed));
            }
        }

        private string Label(DownloadProgress p)
        {
            string label = p.Stage switch
            {
                DownloadStage.Verifying => $"verifying {p.FileName}",
                DownloadStage.Unpacking => $"unpacking {p.FileName}",
                _ => p.FileName,
            };

            // Spectre wraps a row that does not fit, which breaks the redraw: keep the row one line wide.
            int room = Math.Max(16, console.Profile.Width - 56);
            return Markup.Escape(label.Length <= room ? label : string.Concat(label.AsSpan(0, room - 3), "..."));
        }

        private void Run(DownloadProgress first)
        {
            try
            {
                console.Progress()
                    .AutoClear(true)
                    .Columns(
                        new TaskDescriptionColumn { Alignment = Justify.Left },
                        new ProgressBarColumn { Width = 15 },
                        new PercentageColumn(),
                        new TransferColumn())
                    .Start(ctx =>
                    {
                        task = ctx.AddTask(Label(first), autoStart: true, maxValue: Math.Max(1, first.TotalBytes ?? 1));
                        task.State.Update<double>(TransferColumn.FirstBytesKey, _ => first.BytesDone);
                        Update(first);
                        started.Set();
                        finished.Wait();
                    });
            }
            catch (InvalidOperationException)
            {
                // Another live display is running (Spectre allows one): the download goes on without a bar.
                task = null;
            }
            finally
            {
                started.Set();
            }
        }
    }
}
