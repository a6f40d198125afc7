using System.Globalization;
using MaskTrainer.Models;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MaskTrainer.Train.Output;

/// <summary>
/// "10.8/41.1 MB 12.3 MB/s 0:03 left" in decimal megabytes, like `models list` and the plain lines
/// (Spectre's download columns count binary units: 41.1 MB would show as 39.2). Rate and time left
/// count only this run's bytes: Spectre's own would take a resumed prefix for a burst of speed.
/// </summary>
internal sealed class TransferColumn : ProgressColumn
{
    /// <summary>The <see cref="ProgressTask.State"/> key of the bytes already on disk when the bar started.</summary>
    public const string FirstBytesKey = "firstBytes";

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        ArgumentNullException.ThrowIfNull(task);
        string total = DownloadText.Megabytes((long)task.MaxValue);
        if (task.IsIndeterminate)
        {
            return new Text(total);
        }

        string size = $"{DownloadText.Megabytes((long)task.Value)[..^3]}/{total}";
        double received = task.Value - task.State.Get<double>(FirstBytesKey);
        var elapsed = task.ElapsedTime ?? TimeSpan.Zero;
        if (received <= 0 || elapsed <= TimeSpan.Zero)
        {
            return new Text(size);
        }

        var left = TimeSpan.FromSeconds((task.MaxValue - task.Value) * elapsed.TotalSeconds / received);
        string eta = left.ToString(left.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
        return new Text($"{size} {DownloadText.Rate((long)received, elapsed)} {eta} left");
    }
}
