namespace MaskTrainer.Models;

/// <summary>
/// Cross-entry rules a single <see cref="ModelSpec"/> cannot check by itself: unique ids, one hash
/// per file name (the cache is keyed by name), one hash per npm tarball, role/format needs, and
/// that a preprocessing model is one of the model's own files.
/// </summary>
internal static class CatalogValidator
{
    /// <summary>Throws <see cref="ModelCatalogException"/> naming <paramref name="sourceName"/> and the first problem.</summary>
    public static void Validate(IReadOnlyList<ModelSpec> models, string sourceName)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var fileHashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var tarballHashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            string? problem = !ids.Add(model.Id) ? "duplicate id" : ProblemWith(model)
                ?? ProblemWithSharedFiles(model, fileHashes, tarballHashes);
            if (problem is not null)
            {
                throw new ModelCatalogException($"{sourceName}: model '{model.Id}': {problem}");
            }
        }
    }

    private static string? ProblemWith(ModelSpec model)
    {
        if (!IsValidId(model.Id))
        {
            return "id must be lower-case letters, digits and '-'";
        }

        if (model.Files.Count == 0)
        {
            return "no files";
        }

        if ((model.Role == ModelRole.SampleImages) != (model.Format == ModelFormat.Image))
        {
            return "sample-images entries, and only they, have format image";
        }

        if (model.Format is not (ModelFormat.Haar or ModelFormat.Image) && model.Preprocessing is null)
        {
            return "no preprocessing";
        }

        if (model.Format == ModelFormat.Caffe && model.Files.Count < 2)
        {
            return "a Caffe model needs its .prototxt as the second file";
        }

        if (model.Role == ModelRole.Backbone && string.IsNullOrWhiteSpace(model.FeatureLayer))
        {
            return "a backbone needs a featureLayer";
        }

        if (model.Preprocessing?.Model is { } prep)
        {
            if (model.Format != ModelFormat.Onnx)
            {
                return $"a preprocessing model ('{prep}') needs an ONNX network";
            }

            if (!model.Files.Skip(1).Any(f => f.Name == prep))
            {
                return $"preprocessing model '{prep}' is not one of the model's files after the first (the network)";
            }
        }

        if (model.FeatureSize is <= 0)
        {
            return "featureSize must be positive";
        }

        return model.Role == ModelRole.FaceDetector && model.Format != ModelFormat.Haar && model.Outputs.Count == 0
            ? "a detector needs its outputs"
            : null;
    }

    private static string? ProblemWithSharedFiles(ModelSpec model, Dictionary<string, string> fileHashes, Dictionary<string, string> tarballHashes)
    {
        foreach (var file in model.Files)
        {
            string key = $"{file.Sha256}/{file.Size}";
            if (fileHashes.TryGetValue(file.Name, out var seen) && seen != key)
            {
                return $"file '{file.Name}' is listed elsewhere with another SHA-256 or size";
            }

            fileHashes[file.Name] = key;
            if (file.Source is NpmTarballSource npm)
            {
                string coordinates = $"{npm.Package}@{npm.Version}";
                if (tarballHashes.TryGetValue(coordinates, out var tarball) && tarball != npm.TarballSha256)
                {
                    return $"tarball {coordinates} is listed elsewhere with another SHA-256";
                }

                tarballHashes[coordinates] = npm.TarballSha256;
            }
        }

        return null;
    }

    private static bool IsValidId(string id) =>
        id.Length > 0 && char.IsAsciiLetterLower(id[0]) && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
