using MaskTrainer.Training;

namespace MaskTrainer.Serialization;

/// <summary>
/// Saves and loads the self-contained model file: one zip holding manifest.json, the head
/// weights, metrics.json and (by default) the backbone itself, every entry SHA-256-checked.
/// </summary>
public static class ModelPackage
{
    /// <summary>
    /// Writes a model file atomically: a temp file next to <paramref name="path"/> is written,
    /// flushed to disk and renamed over it, so a failure never destroys the previous model.
    /// </summary>
    /// <param name="path">Target file (conventionally *.zip); its folder is created if needed.</param>
    /// <param name="manifest">
    /// Labels, backbone id/format/preprocessing, face crop, head kind/settings, options, metrics,
    /// dataset summary. Hashes, sizes, tensor list, entry list and format version are filled in.
    /// </param>
    /// <param name="headTensors">The head's weights, e.g. from the trainer's <c>ToTensors()</c>.</param>
    /// <param name="backboneFiles">
    /// Backbone file name (plain name, as the network refers to it) to local path. When non-empty
    /// the files are hashed and, if <paramref name="embedBackbone"/>, stored in the zip. When empty,
    /// <c>manifest.Backbone.Files</c> is kept as given and the backbone is not embedded.
    /// </param>
    /// <param name="embedBackbone">Store the backbone files in the zip (default) or only their hashes.</param>
    /// <returns>The manifest exactly as written.</returns>
    /// <exception cref="ArgumentException">The inputs describe an invalid model (no labels, bad tensor...).</exception>
    /// <exception cref="ModelFileException">The file could not be written (a backbone file is missing, disk full...).</exception>
    public static ModelManifest Save(
        string path,
        ModelManifest manifest,
        IReadOnlyList<NamedTensor> headTensors,
        IReadOnlyDictionary<string, string> backboneFiles,
        bool embedBackbone = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(headTensors);
        ArgumentNullException.ThrowIfNull(backboneFiles);
        CheckInputs(manifest, headTensors, backboneFiles);

        ModelManifest? written = null;
        try
        {
            AtomicFile.Write(path, stream => written = ModelPackageWriter.Write(stream, manifest, headTensors, backboneFiles, embedBackbone));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, $"could not save the model; the previous file, if any, is unchanged ({e.Message})", e);
        }

        return written!;
    }

    /// <summary>
    /// Opens and fully verifies a model file: format version, entry names, sizes and SHA-256 of
    /// every entry. Embedded backbone files are extracted (or reused from the cache); dispose the
    /// result to remove a private extraction folder.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, not a model, from a newer format, corrupt, truncated or tampered with.</exception>
    public static LoadedModelPackage Load(string path, LoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return ModelPackageReader.Load(path, options ?? new LoadOptions());
    }

    /// <summary>
    /// Reads only the manifest (version-checked and validated, but entry contents are not
    /// hashed): cheap enough for listing or inspecting models.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, not a model or from another format version.</exception>
    public static ModelManifest ReadManifest(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return ModelPackageReader.ReadManifestOnly(path);
    }

    /// <summary>Describes a local file for <see cref="BackboneInfo.Files"/> (when saving without embedding by hand).</summary>
    public static BackboneFile DescribeFile(string name, string localPath)
    {
        if (!EntryNames.IsPlainFileName(name))
        {
            throw new ArgumentException($"Backbone file name '{name}' must be a plain file name.", nameof(name));
        }

        using var stream = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        return new BackboneFile(name, sha, stream.Length);
    }

    /// <summary>Caller mistakes are reported before any file is touched.</summary>
    private static void CheckInputs(
        ModelManifest manifest,
        IReadOnlyList<NamedTensor> headTensors,
        IReadOnlyDictionary<string, string> backboneFiles)
    {
        if (ManifestValidator.LabelsProblem(manifest.Labels) is { } labels)
        {
            throw new ArgumentException($"Cannot save: {labels}.", nameof(manifest));
        }

        if (manifest.Backbone is null || string.IsNullOrWhiteSpace(manifest.Backbone.Id))
        {
            throw new ArgumentException("Cannot save: the manifest has no backbone id.", nameof(manifest));
        }

        if (manifest.Head is null || string.IsNullOrWhiteSpace(manifest.Head.Kind))
        {
            throw new ArgumentException("Cannot save: the manifest has no head kind.", nameof(manifest));
        }

        if (headTensors.Count == 0)
        {
            throw new ArgumentException("Cannot save: there are no head tensors.", nameof(headTensors));
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tensor in headTensors)
        {
            if (tensor is null || !EntryNames.IsTensorName(tensor.Name))
            {
                throw new ArgumentException($"Cannot save: head tensor name '{tensor?.Name}' must be letters, digits, '_', '.' or '-'.", nameof(headTensors));
            }

            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"Cannot save: head tensor '{tensor.Name}' appears twice.", nameof(headTensors));
            }

            if (ManifestValidator.ShapeProblem(tensor.Shape) is { } shape)
            {
                throw new ArgumentException($"Cannot save: head tensor '{tensor.Name}' {shape}.", nameof(headTensors));
            }

            if (tensor.Data is null || tensor.Data.LongLength != tensor.ElementCount)
            {
                throw new ArgumentException(
                    $"Cannot save: head tensor '{tensor.Name}' has {tensor.Data?.LongLength ?? 0} values but shape [{string.Join(", ", tensor.Shape)}] needs {tensor.ElementCount}.",
                    nameof(headTensors));
            }
        }

        var fileNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in backboneFiles.Keys)
        {
            if (!EntryNames.IsPlainFileName(name) || !fileNames.Add(name))
            {
                throw new ArgumentException($"Cannot save: backbone file name '{name}' must be a unique plain file name.", nameof(backboneFiles));
            }
        }

        if (backboneFiles.Count == 0 && ManifestValidator.BackboneFilesProblem(manifest.Backbone.Files) is { } files)
        {
            throw new ArgumentException($"Cannot save: {files}.", nameof(manifest));
        }
    }
}
