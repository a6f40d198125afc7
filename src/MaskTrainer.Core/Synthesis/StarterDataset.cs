using MaskTrainer.Data;
using MaskTrainer.Models;
using MaskTrainer.Reporting;

namespace MaskTrainer.Synthesis;

/// <summary>
/// The data MaskTrainer trains on when the user brings none: face photos the project fetches
/// itself through the <see cref="ModelStore"/> (catalog entries of role
/// <see cref="ModelRole.SampleImages"/>: pinned by SHA-256, cached, clear errors offline), turned
/// into with_mask / without_mask pairs by <see cref="MaskSynthesizer"/>. Small on purpose: it
/// shows the whole pipeline working on a fresh machine; a real model needs a real dataset.
/// </summary>
public static class StarterDataset
{
    /// <summary>File written next to the class folders saying what the starter set is.</summary>
    public const string NoticeFileName = "STARTER-SET.md";

    /// <summary>
    /// True when <paramref name="dataDirectory"/> holds at least one image (by extension) anywhere
    /// below it, hidden entries aside. A missing folder holds none.
    /// </summary>
    public static bool HasImages(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        return Directory.Exists(dataDirectory) && MaskSynthesizer.ListImages(dataDirectory).Count > 0;
    }

    /// <summary>
    /// Fetches every sample-images entry of <paramref name="catalog"/> (default
    /// <see cref="ModelCatalog.Default"/>), copies the photos to
    /// <c>&lt;workspace&gt;/starter-faces/&lt;entry id&gt;/</c>, synthesizes pairs into
    /// <paramref name="dataDirectory"/> and writes <see cref="NoticeFileName"/> there.
    /// Refuses (<see cref="DatasetException"/>) to write into a folder that already has images.
    /// </summary>
    public static async Task<StarterDatasetReport> BuildAsync(string dataDirectory, string workspace, ModelStore store, MaskSynthesizer synthesizer,
        ModelCatalog? catalog = null, IProgress<string>? log = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(workspace);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(synthesizer);
        catalog ??= ModelCatalog.Default;
        if (HasImages(dataDirectory))
        {
            throw new DatasetException($"'{dataDirectory}' already holds images; the starter set is only built into an empty data folder");
        }

        var sources = catalog.WithRole(ModelRole.SampleImages);
        if (sources.Count == 0)
        {
            throw new DatasetException("the model catalog lists no sample-images entries to build a starter set from");
        }

        string faces = Path.Combine(Path.GetFullPath(workspace), "starter-faces");
        foreach (var source in sources)
        {
            log?.Report($"fetching {source.Id}: {source.Description}");
            var paths = await store.FetchAsync(source, ct: ct).ConfigureAwait(false);
            string folder = Path.Combine(faces, source.Id);
            Directory.CreateDirectory(folder);
            for (int i = 0; i < paths.Count; i++)
            {
                string target = Path.Combine(folder, source.Files[i].Name);
                if (!File.Exists(target) || new FileInfo(target).Length != source.Files[i].Size)
                {
                    File.Copy(paths[i], target, overwrite: true);
                }
            }
        }

        log?.Report($"drawing synthetic masks on the faces in {faces}");
        var report = synthesizer.Run(faces, dataDirectory, ct: ct);
        if (report.Pairs < 3)
        {
            throw new DatasetException(
                $"the starter photos gave only {Plural.Of(report.Pairs, "usable face")} (need 3 per class to train); put your own images in '{dataDirectory}'");
        }

        await File.WriteAllTextAsync(Path.Combine(dataDirectory, NoticeFileName), Notice(sources, report, synthesizer.Options), ct).ConfigureAwait(false);
        return new StarterDatasetReport(sources.Select(s => s.Id).ToArray(), faces, report);
    }

    private static string Notice(IReadOnlyList<ModelSpec> sources, MaskSynthesisReport report, MaskSynthesisOptions options)
    {
        var lines = new List<string>
        {
            "# Starter dataset (built by MaskTrainer, not committed)",
            "",
            "`./train.sh` found no images in this folder, so it built this small set to show the whole",
            "pipeline working. It is **not** a dataset to build a real mask detector on:",
            "",
            $"- {report.Pairs} faces from the photos below, each saved twice: bare in `without_mask/`, and",
            $"  with a synthetic mask (seed {options.Seed}) in `with_mask/`. The masked faces are drawn, not photographed.",
            "- The photos show few people, in similar settings; a model trained here knows little else.",
            "",
            "Sources (downloaded through the model store, SHA-256 checked against the catalog):",
            "",
        };
        foreach (var s in sources)
        {
            lines.Add($"- `{s.Id}`: {s.Description} Licence: {s.Licence}. Provenance: {s.Provenance}");
        }

        lines.AddRange(
        [
            "",
            "For real training, delete this folder's contents and put real photos in `with_mask/` and",
            "`without_mask/` (see README.md). Public datasets people use (check each licence):",
            "prajnasb observations (github.com/prajnasb/observations), MaskTheFace",
            "(github.com/aqeelanwar/MaskTheFace), Kaggle \"Face Mask Detection\" (andrewmvd) and",
            "\"Face Mask 12K\" (ashishjangra27). `./train.sh synth-masks --faces DIR --output DIR` adds",
            "synthetic masked faces to balance a dataset with few masked examples.",
            "",
        ]);
        return string.Join('\n', lines);
    }
}
