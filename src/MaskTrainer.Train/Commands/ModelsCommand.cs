using System.CommandLine;
using MaskTrainer.Models;
using MaskTrainer.Train.Output;
using Spectre.Console;

namespace MaskTrainer.Train.Commands;

/// <summary>`models list | fetch ID... | verify`: the model catalog and the local cache.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var modelsDir = ModelChoices.ModelsDirOption(recursive: true);
        var command = new Command("models", "List, download and verify pretrained models") { modelsDir };
        command.Subcommands.Add(List(modelsDir));
        command.Subcommands.Add(Fetch(modelsDir));
        command.Subcommands.Add(Verify(modelsDir));
        return command;
    }

    private static ModelStore OpenStore(ParseResult r, Option<string[]> modelsDir, CancellationToken ct = default) =>
        DownloadDisplay.OpenStore(r.GetValue(modelsDir), ct);

    private static string RoleName(ModelRole role) => role switch
    {
        ModelRole.Backbone => "backbone",
        ModelRole.FaceDetector => "face-detector",
        ModelRole.FaceVerifier => "face-verifier",
        ModelRole.SampleImages => "sample-images",
        _ => role.ToString(),
    };

    private static long TotalSize(ModelSpec m)
    {
        long size = 0;
        foreach (var f in m.Files)
        {
            size += f.Size;
        }

        return size;
    }

    private static Command List(Option<string[]> modelsDir)
    {
        var command = new Command("list", "Models in the catalog: id, role, size, cached?, licence");
        command.SetAction(r =>
        {
            using var store = OpenStore(r, modelsDir);
            if (Console.IsOutputRedirected)
            {
                // Piped: one tab-separated line per model, no colours, no wrapped names.
                Console.WriteLine("id\trole\tsize_mb\tcached\tlicence");
                foreach (var m in ModelCatalog.Default.Models)
                {
                    Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"{m.Id}\t{RoleName(m.Role)}\t{TotalSize(m) / 1e6:0.0}\t{(store.IsCached(m) ? "yes" : "no")}\t{m.Licence}"));
                }

                Console.WriteLine($"Cache: {store.Options.CacheDirectory}");
                return 0;
            }

            var table = new Table().Border(TableBorder.Simple)
                .AddColumn("id").AddColumn("role").AddColumn(new TableColumn("size").RightAligned()).AddColumn("cached").AddColumn("licence");
            foreach (var m in ModelCatalog.Default.Models)
            {
                table.AddRow(
                    Markup.Escape(m.Id),
                    RoleName(m.Role),
                    DownloadText.Megabytes(TotalSize(m)),
                    store.IsCached(m) ? "[green]yes[/]" : "no",
                    Markup.Escape(m.Licence));
            }

            AnsiConsole.Write(table);
            Console.WriteLine($"Cache: {store.Options.CacheDirectory}");
            return 0;
        });
        return command;
    }

    private static Command Fetch(Option<string[]> modelsDir)
    {
        var ids = new Argument<string[]>("ids") { Description = "Model ids (see `models list`) or face detector ids (their models); none = all", Arity = ArgumentArity.ZeroOrMore };
        ids.Validators.Add(r =>
        {
            // At parse time, so a typo is a usage error (exit 2) before any download starts.
            if (ModelChoices.ModelIdsProblem(r.Tokens.Select(t => t.Value)) is { } problem)
            {
                r.AddError($"models fetch: {problem}");
            }
        });
        var command = new Command("fetch", "Download and verify models into the cache") { ids };
        command.SetAction(async (r, ct) =>
        {
            using var store = OpenStore(r, modelsDir, ct);
            var wanted = r.GetValue(ids) is { Length: > 0 } list ? ModelChoices.ModelsFor(list) : ModelCatalog.Default.Models;
            var failed = new List<(string Id, string Why)>();
            foreach (var model in wanted)
            {
                try
                {
                    // The store's display shows each download (a bar on a terminal, plain lines when piped).
                    var paths = await store.FetchAsync(model, ct: ct);
                    foreach (var p in paths)
                    {
                        Console.WriteLine($"{model.Id}: {p} (verified)");
                    }
                }
                catch (Exception e) when (e is ModelException or IOException or UnauthorizedAccessException && !ct.IsCancellationRequested)
                {
                    // One model out of reach (res10 lives on GitHub) must not keep the others from the cache.
                    failed.Add((model.Id, e.Message.ReplaceLineEndings(" ").Trim()));
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    Console.Error.WriteLine("cancelled: the models fetched so far stay in the cache; a partial download is kept and resumes on the next run");
                    return Errors.Cancelled;
                }
            }

            foreach (var (id, why) in failed)
            {
                Console.Error.WriteLine($"error: {id}: {why}");
            }

            if (failed.Count > 0)
            {
                Console.Error.WriteLine($"{failed.Count} of {wanted.Count} model(s) not fetched: {string.Join(", ", failed.Select(f => f.Id))}");
            }

            return failed.Count == 0 ? 0 : Errors.Failure;
        });
        return command;
    }

    private static Command Verify(Option<string[]> modelsDir)
    {
        var command = new Command("verify", "Re-hash every cached model file against the catalog, and every graph made from them against its recorded hash");
        command.SetAction(r =>
        {
            using var store = OpenStore(r, modelsDir);
            var present = store.Verify().Where(v => v.Status != VerifyStatus.Missing).ToList();
            foreach (var line in VerifyLines(present))
            {
                Console.WriteLine(line);
            }

            int bad = present.Count(v => v.Status != VerifyStatus.Ok);
            Console.WriteLine(bad == 0 ? "All present files verified." : $"{bad} file(s) failed verification.");
            return bad == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// One line per file: id, file name, result, path, each column as wide as its widest cell.
    /// Fixed widths (16, 48) ran over for ids such as face-api-demo-photos or npm:package@version
    /// and long graph names, and every later column of those lines was shifted.
    /// </summary>
    internal static IEnumerable<string> VerifyLines(IReadOnlyList<VerifyResult> results)
    {
        static string Result(VerifyResult v) => v.Status == VerifyStatus.Ok
            ? "ok"
            : $"MISMATCH (sha256 {v.ActualSha256}){(v.Deleted ? ", deleted" : "")}";

        if (results.Count == 0)
        {
            yield break;
        }

        int id = results.Max(v => v.ModelId.Length);
        int file = results.Max(v => v.FileName.Length);
        int result = results.Max(v => Result(v).Length);
        foreach (var v in results)
        {
            yield return $"{v.ModelId.PadRight(id)}  {v.FileName.PadRight(file)}  {Result(v).PadRight(result)}  {v.Path}";
        }
    }
}
