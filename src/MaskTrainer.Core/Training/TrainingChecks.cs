using System.IO.Compression;
using MaskTrainer.Data;
using MaskTrainer.Features;
using MaskTrainer.Model;

namespace MaskTrainer;

/// <summary>
/// What a training run checks so that it fails before its work, not after it: the split and the
/// trainer agree, the model (metrics.json, report/) can go where asked, the workspace can hold the
/// cache (<see cref="BeforeWork"/>); and, once the images are featurized, that every class still has
/// images that could be read (<see cref="Readable"/>).
/// </summary>
internal static class TrainingChecks
{
    /// <summary>The checks of <see cref="MaskTrainingPipeline.CheckBeforeWork"/>.</summary>
    public static void BeforeWork(MaskTrainingOptions options)
    {
        Settings(options);
        SplitAndTrainer(options);
        Output(options);
        if (FilePaths.IsInside(options.Workspace, options.DataDirectory))
        {
            // Its folders would be read as a class of their own on the next run.
            throw new IOException($"workspace '{options.Workspace}' is inside the data folder {options.DataDirectory}: the feature cache would be read as a class; choose a folder outside it");
        }

        new BottleneckCache(options.Workspace).CheckWritable();
    }

    /// <summary>
    /// The head's and the augmentation's settings are in range: the trainers would refuse theirs only
    /// at the fit, after the featurizing, and more augmented copies than <see cref="MaskTrainingOptions.MaxAugmentationCopies"/>
    /// would multiply the featurizing time for nothing. <c>./train.sh</c> takes the same limits at parse time.
    /// </summary>
    private static void Settings(MaskTrainingOptions options)
    {
        options.Head.Validate();
        int copies = options.Augmentation.Copies;
        if (copies is < 0 or > MaskTrainingOptions.MaxAugmentationCopies)
        {
            throw new ArgumentOutOfRangeException(nameof(options.Augmentation),
                $"Augmentation.Copies must be from 0 to {MaskTrainingOptions.MaxAugmentationCopies} (MaskTrainingOptions.MaxAugmentationCopies: each copy featurizes every training image once more), got {copies}");
        }

        options.Augmentation.Validate();
    }

    /// <summary>
    /// Auto keeps the trainer with the lowest validation log-loss; without a validation split it
    /// could only score the trainers on the rows they learned from, which picks the most overfitted.
    /// </summary>
    private static void SplitAndTrainer(MaskTrainingOptions options)
    {
        // The splitter allows no test split (other callers); a training run reports test metrics.
        if (!(options.Split.TestFraction > 0))
        {
            throw new ArgumentException("--test-fraction must be above 0: the metrics, metrics.json and the report are measured on the test split");
        }

        if (options.Head.Trainer == TrainerKind.Auto && options.Split.ValidationFraction <= 0)
        {
            throw new ArgumentException(MaskTrainingPipeline.AutoNeedsValidation);
        }
    }

    /// <summary>
    /// Every class still has images in each part it needs once the unreadable ones are skipped:
    /// otherwise the head would be trained (and "perfectly" tested) without that class, and the
    /// model written as if all were well. The splitter checked this for the files found, not for
    /// the files that decode.
    /// </summary>
    public static void Readable(MaskTrainingOptions options, ImageFolderDataset data, DatasetSplit split, FeaturizedData train, FeaturizedData? validation, FeaturizedData test)
    {
        var labels = data.Labels;
        // A fixed trainer learns from the validation images too, so they count as training images.
        bool fold = options.Head.Trainer != TrainerKind.Auto;
        var parts = new List<(string Name, int[] Readable)> { ("training", ReadablePerClass(labels.Count, train, fold ? validation : null)) };
        if (!fold && validation is not null)
        {
            parts.Add(("validation", ReadablePerClass(labels.Count, validation, null)));
        }

        if (split.Test.Count > 0)
        {
            parts.Add(("test", ReadablePerClass(labels.Count, test, null)));
        }

        for (int c = 0; c < labels.Count; c++)
        {
            int readable = 0;
            string? empty = null;
            foreach (var (name, counts) in parts)
            {
                readable += counts[c];
                empty ??= counts[c] == 0 ? name : null;
            }

            if (readable == 0)
            {
                // The console shows only the first warnings, and a failed run writes no metrics.json: name one here.
                string example = FirstSkipped(data, c, train, validation, test) is { } first ? $" (e.g. {first.Path}: {first.Reason})" : "";
                throw new DatasetException($"class '{labels[c]}' in '{data.Root}': none of its {Total(data, c)} images could be read{example}; fix or remove them");
            }

            if (empty is not null)
            {
                var names = parts.ConvertAll(p => p.Name);
                string needed = names.Count == 1 ? names[0] : $"{string.Join(", ", names.GetRange(0, names.Count - 1))} and {names[^1]}";
                throw new DatasetException(
                    $"class '{labels[c]}' in '{data.Root}': only {readable} of its {Total(data, c)} images could be read, and none of them is a {empty} image; " +
                    $"it needs readable {needed} images (fix or remove the skipped ones, or add more)");
            }
        }
    }

    /// <summary>Images (not augmented copies) per class that gave features.</summary>
    private static int[] ReadablePerClass(int classes, FeaturizedData data, FeaturizedData? more)
    {
        var counts = new int[classes];
        foreach (var part in new[] { data, more })
        {
            if (part is null)
            {
                continue;
            }

            var labels = part.Labels.Span;
            var copies = part.AugmentIndices.Span;
            for (int r = 0; r < part.Rows; r++)
            {
                counts[labels[r]] += copies[r] == 0 ? 1 : 0;
            }
        }

        return counts;
    }

    /// <summary>The first image of class <paramref name="c"/> that was skipped, with why; null when none was.</summary>
    private static SkippedItem? FirstSkipped(ImageFolderDataset data, int c, params FeaturizedData?[] parts)
    {
        var ofClass = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in data.Examples)
        {
            if (e.LabelIndex == c)
            {
                ofClass.Add(e.Path);
            }
        }

        foreach (var part in parts)
        {
            foreach (var s in part?.Skipped ?? [])
            {
                if (ofClass.Contains(s.Path))
                {
                    return s;
                }
            }
        }

        return null;
    }

    /// <summary>Image files the folder walk found in class <paramref name="c"/>, readable or not.</summary>
    private static int Total(ImageFolderDataset data, int c) => data.Summary[c].Count + data.Summary[c].Unreadable;

    /// <summary>
    /// The model can go where asked: a folder in its path that is a file (or a folder where the
    /// file should be) would otherwise fail the run at its last step, after the featurizing. And
    /// it may go there: an existing file is replaced only when it is a model zip of ours (from an
    /// earlier run) or empty, and nothing is written into the data folder (the model, metrics.json
    /// and report/ would land among the training images, report/ as a class of its own).
    /// </summary>
    private static void Output(MaskTrainingOptions options)
    {
        var file = Path.GetFullPath(options.ModelPath);
        if (Directory.Exists(file))
        {
            throw new ModelFileException(options.ModelPath, "cannot write the model: a folder of that name is in the way");
        }

        // Looked at before NotAModel opens it: opening a named pipe would wait for a writer forever.
        if (File.Exists(file) && FilePaths.WhyNotRegularFile(file) is { } special)
        {
            throw new ModelFileException(options.ModelPath, $"exists and is {special}; refusing to overwrite it (name a new file, an old model, or a folder)");
        }

        if (File.Exists(file) && NotAModel(file) is { } what)
        {
            throw new ModelFileException(options.ModelPath, $"exists and is {what}; refusing to overwrite it (name a new file, an old model, or a folder)");
        }

        if (FilePaths.IsInside(file, options.DataDirectory))
        {
            throw new ModelFileException(options.ModelPath, $"cannot write the model inside the data folder {options.DataDirectory} (the model, metrics.json and report/ would be mixed with the training images; choose a folder outside it)");
        }

        if (FilePaths.FileInTheWay(file) is { } blocking)
        {
            throw new ModelFileException(options.ModelPath, $"cannot write the model: {blocking} is a file, not a folder");
        }

        // metrics.json and report/ go beside the model, after it is saved: one that cannot be written
        // would fail the run with the new model already in place of the old one.
        var layout = OutputLayout.For(options.ModelPath);
        var metricsName = Path.GetFileName(layout.MetricsPath);
        if (Directory.Exists(layout.MetricsPath))
        {
            throw new ModelFileException(options.ModelPath, $"cannot write {metricsName} beside the model: {layout.MetricsPath} is a folder");
        }

        if (options.WriteReport && File.Exists(layout.ReportFolder))
        {
            throw new ModelFileException(options.ModelPath, $"cannot write the report beside the model: {layout.ReportFolder} is a file, not a folder");
        }

        CanWriteIn(options.ModelPath, Path.GetDirectoryName(file)!);

        // A zip is not enough: a photo archive, .docx, .xlsx and .jar files are zips too. A model of
        // ours holds MaskTrainer's metadata entry (MaskModel.Save writes it); an empty file is a
        // placeholder (mktemp, touch). Null when the file may be replaced, else what it is.
        static string? NotAModel(string path)
        {
            using var stream = File.OpenRead(path);
            if (stream.Length == 0)
            {
                return null;
            }

            try
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
                return zip.GetEntry(ModelMetadata.EntryName) is null ? $"a zip but not a MaskTrainer model (no {ModelMetadata.EntryName} in it)" : null;
            }
            catch (InvalidDataException)
            {
                return "not a model zip";
            }
        }
    }

    /// <summary>
    /// A file can be created in <paramref name="folder"/>, where the model, metrics.json and report/
    /// go: a probe file is created there and deleted (and so are the folders on the way that had to
    /// be made for it). Looking at the folder's permissions would miss a read-only mount, /proc and
    /// ACLs, and the run would fail at its last step, naming our temp file.
    /// </summary>
    private static void CanWriteIn(string modelPath, string folder)
    {
        var made = FilePaths.MissingFolders(folder);
        string? why;
        try
        {
            Directory.CreateDirectory(folder);
            why = FilePaths.WhyNoFileIn(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = FilePaths.WhyNotWritten(e, folder);
        }
        finally
        {
            FilePaths.DeleteMadeFolders(made);
        }

        if (why is not null)
        {
            throw new ModelFileException(modelPath, $"cannot write the model (-o): {why}");
        }
    }
}
