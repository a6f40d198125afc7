namespace MaskTrainer.Serialization;

/// <summary>
/// Structural checks of a manifest, shared by the writer (before a file is produced) and the
/// reader (before anything is trusted). Each check returns the first problem as a short phrase
/// that follows "&lt;file&gt;: ", or null when all is well.
/// </summary>
internal static class ManifestValidator
{
    public static string? LabelsProblem(IReadOnlyList<string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return "manifest has no labels";
        }

        if (labels.Count < 2)
        {
            return "manifest has only one label; a classifier needs at least two";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            if (string.IsNullOrWhiteSpace(label))
            {
                return "manifest has an empty label";
            }

            if (!seen.Add(label))
            {
                return $"manifest lists label '{label}' twice";
            }
        }

        return null;
    }

    public static string? BackboneFilesProblem(IReadOnlyList<BackboneFile>? files)
    {
        if (files is null)
        {
            return "manifest has no backbone file list";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files)
        {
            if (file is null || !EntryNames.IsPlainFileName(file.Name))
            {
                return $"backbone file name '{file?.Name}' is not a plain file name";
            }

            if (!seen.Add(file.Name))
            {
                return $"backbone file '{file.Name}' is listed twice";
            }

            if (!EntryNames.IsSha256(file.Sha256) || file.Size < 0)
            {
                return $"backbone file '{file.Name}' has no valid SHA-256 and size";
            }
        }

        return null;
    }

    /// <summary>Full check of a manifest read from (or about to be written to) a file.</summary>
    public static string? Problem(ModelManifest manifest)
    {
        if (LabelsProblem(manifest.Labels) is { } labels)
        {
            return labels;
        }

        var backbone = manifest.Backbone;
        if (backbone is null || string.IsNullOrWhiteSpace(backbone.Id))
        {
            return "manifest has no backbone id";
        }

        if (BackboneFilesProblem(backbone.Files) is { } files)
        {
            return files;
        }

        if (manifest.Head is null || string.IsNullOrWhiteSpace(manifest.Head.Kind))
        {
            return "manifest has no head kind";
        }

        if (manifest.Head.Tensors is null || manifest.Head.Tensors.Count == 0)
        {
            return "manifest lists no head tensors";
        }

        var tensorNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var tensor in manifest.Head.Tensors)
        {
            if (tensor is null || !EntryNames.IsTensorName(tensor.Name))
            {
                return $"head tensor name '{tensor?.Name}' is not valid";
            }

            if (!tensorNames.Add(tensor.Name))
            {
                return $"head tensor '{tensor.Name}' is listed twice";
            }

            if (ShapeProblem(tensor.Shape) is { } shape)
            {
                return $"head tensor '{tensor.Name}' {shape}";
            }

            if (tensor.File != EntryNames.HeadTensorPath(tensor.Name) || !EntryNames.IsSha256(tensor.Sha256))
            {
                return $"head tensor '{tensor.Name}' has no valid file and SHA-256";
            }
        }

        if (manifest.Entries is null)
        {
            return "manifest has no entry list";
        }

        var entryPaths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in manifest.Entries)
        {
            if (entry is null || !EntryNames.IsSafePath(entry.Path) || entry.Path == EntryNames.Manifest)
            {
                return $"manifest lists an unsafe entry name '{entry?.Path}'";
            }

            if (!entryPaths.Add(entry.Path))
            {
                return $"manifest lists entry {entry.Path} twice";
            }

            if (!EntryNames.IsSha256(entry.Sha256) || entry.Size < 0)
            {
                return $"manifest has no valid SHA-256 and size for entry {entry.Path}";
            }
        }

        return null;
    }

    /// <summary>Positive dimensions whose product fits an array.</summary>
    public static string? ShapeProblem(int[]? shape)
    {
        if (shape is null || shape.Length == 0)
        {
            return "has no shape";
        }

        long count = 1;
        foreach (var d in shape)
        {
            if (d <= 0)
            {
                return $"has a non-positive dimension in shape [{string.Join(", ", shape)}]";
            }

            count *= d;
            if (count > Array.MaxLength / sizeof(float))
            {
                return $"shape [{string.Join(", ", shape)}] is too large";
            }
        }

        return null;
    }
}
