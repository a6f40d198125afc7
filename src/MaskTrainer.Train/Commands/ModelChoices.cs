using System.CommandLine;
using MaskTrainer.Faces;
using MaskTrainer.Models;

namespace MaskTrainer.Train.Commands;

/// <summary>
/// Parse-time checks of options naming models (--backbone, --detector, --landmarks), so a typo is
/// reported with the valid ids before any work instead of after the data folder has been hashed.
/// </summary>
internal static class ModelChoices
{
    /// <summary>
    /// --models-dir, as every command takes it: one folder per use (repeat it for more; taking every word
    /// after it took predict's images, and `--models-dir A typo` the typo, as folders). A folder that does
    /// not exist is said when the command opens its store (<see cref="Output.DownloadDisplay.OpenStore"/>); an empty one is a usage error.
    /// </summary>
    public static Option<string[]> ModelsDirOption(bool recursive = false) =>
        new Option<string[]>("--models-dir") { Description = "Offline folder holding model files; repeat the option for more (also MASKTRAINER_MODELS)", HelpName = "DIR", Recursive = recursive }.NotEmptyPaths();

    /// <summary>Weights files a user backbone may be (as <see cref="ModelCatalog.ForUserBackbone"/> accepts).</summary>
    private static readonly string[] BackboneFileTypes = [".onnx"];

    private static string FileTypes => string.Join(", ", BackboneFileTypes);

    /// <summary>
    /// What training treats as a user backbone (TrainCommand.BuildOptions): an existing file whose
    /// name is not a catalog id. The catalog wins, or a stray file named like one in the current
    /// folder would replace the backbone, the default too; such a file is taken as ./name.
    /// Everything else must be a catalog backbone id.
    /// </summary>
    public static bool IsBackboneFile(string value) => !ModelCatalog.Default.TryGet(value, out _) && File.Exists(value);

    /// <summary>Null when <paramref name="value"/> is a catalog backbone or an existing weights file; else why not, listing the choices.</summary>
    public static string? BackboneProblem(string value)
    {
        string valid = $"valid: {string.Join(", ", BackboneIds())}, or a path to an existing {FileTypes} file";
        if (IsBackboneFile(value))
        {
            return BackboneFileTypes.Contains(Path.GetExtension(value).ToLowerInvariant())
                ? null
                : $"'{value}' is a file but not a backbone model ({FileTypes})";
        }

        if (ModelCatalog.Default.TryGet(value, out var spec))
        {
            return spec.Role == ModelRole.Backbone ? null : $"'{value}' is not a backbone but a {RoleName(spec.Role)}; {valid}";
        }

        bool looksLikePath = value.IndexOfAny(['/', '\\']) >= 0 || BackboneFileTypes.Contains(Path.GetExtension(value).ToLowerInvariant());
        return looksLikePath ? $"file '{value}' not found; {valid}" : $"'{value}' is not a known backbone; {valid}";
    }

    /// <summary>Null when <paramref name="value"/> is a face detector id (or <paramref name="extra"/>); else why not, listing the ids.</summary>
    public static string? DetectorProblem(string value, params string[] extra) =>
        FaceDetectors.Ids.Contains(value) || extra.Contains(value)
            ? null
            : $"'{value}' is not one of {string.Join(", ", FaceDetectors.Ids.Concat(extra))}";

    /// <summary>Null when every id is a catalog model or a face detector (its models); else the first unknown one and the valid ids.</summary>
    public static string? ModelIdsProblem(IEnumerable<string> ids) =>
        ids.FirstOrDefault(id => !ModelCatalog.Default.TryGet(id, out _) && FaceDetectors.ModelIds(id) is null) is { } unknown
            ? $"'{unknown}' is neither a model ({string.Join(", ", ModelCatalog.Default.Models.Select(m => m.Id))}) "
              + $"nor a face detector whose models to fetch ({string.Join(", ", FaceDetectors.Ids.Where(d => !ModelCatalog.Default.TryGet(d, out _)))})"
            : null;

    /// <summary>
    /// The catalog models that <paramref name="ids"/> name, in order and once each: a model id is
    /// itself, a face detector id the models that detector loads (<see cref="FaceDetectors.ModelIds"/>).
    /// </summary>
    public static IReadOnlyList<ModelSpec> ModelsFor(IEnumerable<string> ids) =>
        ids.SelectMany(id => ModelCatalog.Default.TryGet(id, out _) ? [id] : FaceDetectors.ModelIds(id) ?? [id])
            .Distinct(StringComparer.Ordinal)
            .Select(ModelCatalog.Default.Get)
            .ToList();

    /// <summary>The catalog's spelling of a role (FaceDetector → face-detector), as `models list` shows it.</summary>
    private static string RoleName(ModelRole role) =>
        string.Concat(role.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static IEnumerable<string> BackboneIds() => ModelCatalog.Default.WithRole(ModelRole.Backbone).Select(m => m.Id);
}
