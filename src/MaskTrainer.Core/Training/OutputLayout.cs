using MaskTrainer.Model;

namespace MaskTrainer;

/// <summary>
/// Where a training run writes metrics.json and the report, decided from the model's path in one
/// place (the run, its checks before any work, and its result all read it). The default model
/// file, <see cref="MaskModel.DefaultFileName"/>, keeps the plain names: <c>metrics.json</c> and
/// <c>report/index.html</c> beside it. Any other model file names them after itself
/// (<c>b.zip</c>: <c>b.metrics.json</c>, <c>b.report/index.html</c>), so that two models trained
/// into one folder (<c>-o runs/a.zip</c>, <c>-o runs/b.zip</c>) each keep their own, where the
/// second would otherwise overwrite the first's and leave it described by the wrong figures.
/// </summary>
public sealed record OutputLayout
{
    private OutputLayout(string modelPath, string metricsPath, string reportFolder)
    {
        ModelPath = modelPath;
        MetricsPath = metricsPath;
        ReportFolder = reportFolder;
    }

    /// <summary>The model file, as given.</summary>
    public string ModelPath { get; }

    /// <summary>The metrics file beside the model.</summary>
    public string MetricsPath { get; }

    /// <summary>The report's folder beside the model.</summary>
    public string ReportFolder { get; }

    /// <summary>The report itself, in <see cref="ReportFolder"/>.</summary>
    public string ReportPath => Path.Combine(ReportFolder, "index.html");

    /// <summary>The layout for the model file <paramref name="modelPath"/> (a file path, as <see cref="MaskModel.FileIn"/> gives).</summary>
    public static OutputLayout For(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var name = Path.GetFileName(modelPath);
        if (string.Equals(name, MaskModel.DefaultFileName, StringComparison.Ordinal))
        {
            return new OutputLayout(modelPath, Path.Combine(folder, MaskTrainingPipeline.MetricsFileName), Path.Combine(folder, MaskTrainingPipeline.ReportFolderName));
        }

        // "b.zip" gives "b.metrics.json"; a name without an extension is used whole.
        var stem = Path.GetFileNameWithoutExtension(name);
        return new OutputLayout(modelPath,
            Path.Combine(folder, $"{stem}.{MaskTrainingPipeline.MetricsFileName}"),
            Path.Combine(folder, $"{stem}.{MaskTrainingPipeline.ReportFolderName}"));
    }
}
