using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Features;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Reporting;
using System.Text;

namespace MaskTrainer;

/// <summary>Turns a run's results into the HTML report's data (thumbnails drawn with OpenCV).</summary>
internal static class TrainingReport
{
    /// <summary>At most this many misclassified images are shown, lowest confidence in the truth first.</summary>
    private const int MaxGallery = 48;
    private const int ThumbnailSize = 128;

    /// <summary>The report's HTML file as UTF-8 bytes, for the run to put in place with the model (<see cref="OutputCommit"/>).</summary>
    /// <param name="detectorUsed">The face detector that cut the crops (the one asked for, or its fallback); null when the face crop is off.</param>
    public static byte[] Render(MaskTrainingOptions options, string? detectorUsed, ClassificationMetrics metrics, HeadFit head,
        DatasetSplit split, IReadOnlyList<SplitClassCount> used, FeaturizedData test, float[] testScores, IReadOnlyList<SkippedItem> skipped)
    {
        var data = new ReportData
        {
            Title = "MaskTrainer — training report",
            CreatedUtc = DateTimeOffset.UtcNow,
            ModelPath = options.ModelPath,
            Labels = metrics.Labels,
            ConfusionMatrix = metrics.ToConfusionArray(),
            Accuracy = metrics.Accuracy,
            MacroAccuracy = metrics.MacroAccuracy,
            LogLoss = metrics.LogLoss,
            LogLossReduction = metrics.LogLossReduction,
            Auc = metrics.Auc,
            PerClass = PerClass(metrics),
            Misclassified = Misclassified(split.Test, test, testScores, metrics.Labels),
            // The images used, not the split's plan: files that did not decode are in the Skipped column.
            Split = used,
            DatasetSummary = Duplicates(split),
            Skipped = skipped.Select(s => new SkippedImage(s.Path, s.Reason)).ToList(),
            Options =
            [
                $"backbone: {options.Backbone}",
                $"head: ML.NET {head.Trainer}{Candidates(head)}",
                $"face crop: {FaceCrop(options, detectorUsed)}",
                $"augmentation copies: {options.Augmentation.Copies}",
                $"seed: {options.Split.Seed}",
            ],
        };
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(HtmlReportWriter.Render(data));
    }

    /// <summary>The note on identical files and the first groups, as the console prints them; none without duplicates.</summary>
    private static List<string> Duplicates(DatasetSplit split)
    {
        if (split.DuplicatesNote() is not { } note)
        {
            return [];
        }

        var lines = new List<string> { note["note: ".Length..] };
        lines.AddRange(split.DuplicateGroups.Take(DatasetSplit.DuplicateGroupsShown).Select(g => g.ToString()));
        if (split.DuplicateGroups.Count > DatasetSplit.DuplicateGroupsShown)
        {
            lines.Add($"... and {split.DuplicateGroups.Count - DatasetSplit.DuplicateGroupsShown} more group(s)");
        }

        return lines;
    }

    /// <summary>The detector that cut the crops, and the one asked for when that could not be loaded (the run warned of it).</summary>
    private static string FaceCrop(MaskTrainingOptions options, string? used) =>
        used is null ? "off"
        : used == options.FaceDetector ? used
        : $"{used} (in place of {options.FaceDetector}, which could not be loaded)";

    private static List<ClassReportRow> PerClass(ClassificationMetrics m)
    {
        var rows = new List<ClassReportRow>(m.Labels.Count);
        foreach (var label in m.Labels)
        {
            var c = m.PerClass[label];
            rows.Add(new ClassReportRow(label, c.Precision, c.Recall, c.F1, c.Support));
        }

        return rows;
    }

    private static string Candidates(HeadFit head) => head.Candidates.Count == 0
        ? ""
        : " (chosen by validation log-loss: " + string.Join(", ", head.Candidates.Select(c => FormattableString.Invariant($"{c.Trainer} {c.ValidationLogLoss:0.0000}"))) + ")";

    private static List<MisclassifiedImage> Misclassified(IReadOnlyList<ImageExample> examples, FeaturizedData test,
        float[] scores, IReadOnlyList<string> labels) =>
        Misclassification.Find(examples, test, scores, labels.Count).Take(MaxGallery)
            .Select(w => new MisclassifiedImage(w.Example.Path, w.Example.Label, labels[w.Predicted], w.Probability, Thumbnail(w.Example.Path)))
            .ToList();

    private static byte[]? Thumbnail(string path)
    {
        try
        {
            using var image = ImageCodec.Read(path);
            double scale = (double)ThumbnailSize / Math.Max(image.Cols, image.Rows);
            var size = new Size(Math.Max(1, (int)(image.Cols * scale)), Math.Max(1, (int)(image.Rows * scale)));
            using var small = image.Resize(size, interpolation: InterpolationFlags.Area);
            return ImageCodec.Encode(".jpg", small, 85);
        }
        catch (ImagingException)
        {
            return null;
        }
    }
}
