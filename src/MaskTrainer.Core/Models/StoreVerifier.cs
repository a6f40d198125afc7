using MaskTrainer.Onnx;

namespace MaskTrainer.Models;

/// <summary>
/// Implements <see cref="ModelStore.Verify"/>: re-hashes, ignoring sidecars and memory, every copy
/// of every catalog file the store could use (models folders, system paths, cache) and every
/// cached tarball. Mismatching cache copies are deleted; other copies are only reported.
/// </summary>
internal static class StoreVerifier
{
    public static IReadOnlyList<VerifyResult> Verify(ModelCatalog catalog, StoreLayout layout)
    {
        var results = new List<VerifyResult>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in catalog.Models)
        {
            foreach (var file in model.Files.Where(f => seen.Add(f.Name)))
            {
                results.AddRange(VerifyFile(model.Id, file, layout));
            }
        }

        foreach (var npm in catalog.Models.SelectMany(m => m.Files).Select(f => f.Source).OfType<NpmTarballSource>())
        {
            string path = layout.TarballPath(npm);
            if (seen.Add(path) && File.Exists(path))
            {
                results.Add(Check($"npm:{npm.Package}@{npm.Version}", npm.TarballFileName, path, npm.TarballSha256, owned: true));
            }
        }

        results.AddRange(VerifyGraphs(layout.GraphsDirectory));
        return results;
    }

    /// <summary>
    /// The graphs made from the models (<see cref="GraphCache"/>): each must still have the hash
    /// recorded when it was written; a damaged one is deleted and reported, one without a recorded
    /// hash (an older version's) is deleted without a report; both are made again on next use.
    /// </summary>
    private static IEnumerable<VerifyResult> VerifyGraphs(string folder)
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var graph in Directory.EnumerateFiles(folder, "*.onnx").Order(StringComparer.Ordinal))
        {
            var sidecar = GraphCache.SidecarPath(graph);
            if (!File.Exists(sidecar))
            {
                // Written by a version that recorded no hash: not known to be damaged, so not reported
                // as such; deleted, the next use makes it again with its hash.
                GraphCache.Delete(graph);
                continue;
            }

            if (GraphCache.Check(graph, out var actual) is null)
            {
                yield return new VerifyResult(GraphModelId, Path.GetFileName(graph), graph, VerifyStatus.Ok, actual, false);
                continue;
            }

            GraphCache.Delete(graph);
            yield return new VerifyResult(GraphModelId, Path.GetFileName(graph), graph, VerifyStatus.Mismatch, actual, !File.Exists(graph));
        }
    }

    /// <summary>What <see cref="VerifyResult.ModelId"/> says for a graph made from the models.</summary>
    public const string GraphModelId = "graph";

    private static List<VerifyResult> VerifyFile(string modelId, ModelFileSpec file, StoreLayout layout)
    {
        var results = layout.ForeignPaths(file).Where(File.Exists)
            .Select(p => Check(modelId, file.Name, p, file.Sha256, owned: false))
            .ToList();
        string cached = layout.CachePath(file.Name);
        if (File.Exists(cached))
        {
            results.Add(Check(modelId, file.Name, cached, file.Sha256, owned: true));
        }

        if (results.Count == 0)
        {
            string where = file.Source is LocalFileSource local ? local.Paths[0] : cached;
            results.Add(new VerifyResult(modelId, file.Name, where, VerifyStatus.Missing, null, false));
        }

        return results;
    }

    private static VerifyResult Check(string modelId, string name, string path, string sha256, bool owned)
    {
        string actual = FileHasher.Sha256(path);
        if (actual == sha256)
        {
            if (owned)
            {
                FileVerifier.WriteSidecar(path, actual);
            }

            return new VerifyResult(modelId, name, path, VerifyStatus.Ok, actual, false);
        }

        if (owned)
        {
            FileVerifier.Delete(path);
        }

        return new VerifyResult(modelId, name, path, VerifyStatus.Mismatch, actual, owned);
    }
}
