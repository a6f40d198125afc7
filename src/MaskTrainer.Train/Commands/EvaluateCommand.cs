using System.CommandLine;
using System.Globalization;
using System.Text;
using MaskTrainer.Model;
using MaskTrainer.Data;
using MaskTrainer.Models;
using MaskTrainer.Reporting;
using MaskTrainer.Train.Output;

namespace MaskTrainer.Train.Commands;

/// <summary>`evaluate --model FILE --data DIR [--json]`: a saved model's metrics on any image folder.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file, or a folder holding mask_model.zip", DefaultValueFactory = _ => MaskModel.DefaultPath }.NotEmptyPath();
        var data = new Option<string>("--data") { Description = "Image folder, one sub-folder per class (names must be among the model's labels; one class alone is fine, e.g. only with_mask/ for its recall)", Required = true }.NotEmptyPath();
        var json = new Option<bool>("--json") { Description = "Print exactly the metrics.json document to stdout" };
        var workspace = new Option<string?>("--workspace") { Description = "Bottleneck cache folder (default: none)" }.NotEmptyPath();
        var modelsDir = ModelChoices.ModelsDirOption();
        var command = new Command("evaluate", "Score a saved model on an image folder") { model, data, json, workspace, modelsDir };
        command.SetAction((r, ct) =>
        {
            OutputFolders.CheckNotFile("--data", r.GetValue(data)!, TrainCommand.DataFolderPurpose);
            using var store = DownloadDisplay.OpenStore(r.GetValue(modelsDir), ct);
            using var classifier = MaskModel.Load(r.GetValue(model)!);
            bool asJson = r.GetValue(json);
            var observer = asJson ? null : new ConsoleObserver();
            var progress = observer is null ? null : new InlineProgress<Features.FeaturizeProgress>(p => observer.Featurizing("images", p));
            // With --json stdout is the document alone: warnings go to stderr either way.
            Action<string> warn = observer is null ? m => Console.Error.WriteLine($"warning: {m}") : observer.Warning;
            var result = MaskEvaluation.Evaluate(classifier, r.GetValue(data)!, store, r.GetValue(workspace), progress, ct, warn);
            observer?.Finish(listedInMetrics: false); // the skipped images are listed just below
            foreach (var s in result.Skipped)
            {
                Console.Error.WriteLine($"warning: skipped {HumanText.Escape(s.Path)}: {HumanText.Escape(s.Reason)}"); // as training words it
            }

            // Said as training's split says it: the copies left out are no more test images.
            if (result.Copies.Note() is { } note)
            {
                (asJson ? Console.Error : Console.Out).WriteLine(note);
            }

            if (asJson)
            {
                // stdout is exactly metrics.json; what it cannot say about faces goes to stderr.
                // (The misclassified images are not in it either: metrics.json has a fixed schema, read by MetricsDocument.)
                Console.WriteLine(result.Document.ToJson());
                Console.Error.WriteLine(FaceLine(result));
                if (DetectorLine(result, classifier) is { } detectorLine)
                {
                    Console.Error.WriteLine(detectorLine);
                }

                return Task.FromResult(0);
            }

            Console.WriteLine(result.Metrics.MlConfusionMatrix?.GetFormattedConfusionTable());
            Console.WriteLine(MetricsPrinter.Format(result.Metrics));
            Console.WriteLine(FaceLine(result));
            if (DetectorLine(result, classifier) is { } line)
            {
                Console.WriteLine(line);
            }

            Console.WriteLine();
            Console.Write(MisclassifiedList(result.Misclassified, result.Metrics.Labels, result.Metrics.Count));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>At most this many misclassified images are listed on the console.</summary>
    internal const int MaxListed = 10;

    /// <summary>
    /// Which detector cut the faces scored here, and that predict and the detector app find them with
    /// the model's live detector (so their labels can differ); null when no face was looked for.
    /// </summary>
    internal static string? DetectorLine(EvaluationResult result, MaskModel model) =>
        result.FaceDetector is { } used ? FaceDetectorNote.ForMetrics(used, model.FaceCrop) : null;

    /// <summary>
    /// The images the model got wrong, the most confident errors first, at most <see cref="MaxListed"/>:
    /// true label, predicted label, the model's probability of it, and the file, e.g.
    /// <code>
    /// Misclassified: 2 of 80 images, the most confident first:
    ///   True          Predicted     Probability  Image
    ///   without_mask  with_mask          0.9712  data/without_mask/a.jpg
    /// </code>
    /// The metrics only counted them; to find them one had to run predict, which finds faces with another detector.
    /// </summary>
    internal static string MisclassifiedList(IReadOnlyList<Misclassification> wrong, IReadOnlyList<string> labels, int count)
    {
        var sb = new StringBuilder();
        if (wrong.Count == 0)
        {
            sb.AppendLine(Invariant($"Misclassified: none of {Plural.Of(count, "image")}."));
            return sb.ToString();
        }

        sb.AppendLine(Invariant($"Misclassified: {wrong.Count} of {Plural.Of(count, "image")}, the most confident first{(wrong.Count > MaxListed ? $" ({MaxListed} listed)" : "")}:"));
        int width = Math.Max("Predicted".Length, labels.Max(l => l.Length));
        sb.AppendLine(Invariant($"  {"True".PadRight(width)}  {"Predicted".PadRight(width)}  Probability  Image"));
        foreach (var w in wrong.Take(MaxListed))
        {
            sb.AppendLine(Invariant($"  {w.Example.Label.PadRight(width)}  {labels[w.Predicted].PadRight(width)}  {w.Probability,11:0.0000}  {HumanText.Escape(w.Example.Path)}"));
        }

        if (wrong.Count > MaxListed)
        {
            sb.AppendLine(Invariant($"  ... and {wrong.Count - MaxListed} more, less confident"));
        }

        return sb.ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// How many images were scored on a face: like predict's "no face found", evaluate must not
    /// hide that some scores are of whole images (the model was trained on face crops).
    /// </summary>
    internal static string FaceLine(EvaluationResult result)
    {
        if (!result.FaceCrop)
        {
            return "Faces: not looked for; this model classifies whole images (trained with --no-face-crop).";
        }

        var (found, fallbacks) = (result.Featurizing.FacesFound, result.Featurizing.FaceFallbacks);
        return fallbacks == 0
            ? $"Faces: found in {(found == 1 ? "the 1 image" : $"all {found} images")}."
            : $"Faces: found in {found} of {Plural.Of(found + fallbacks, "image")}; {fallbacks} had no face found and "
              + (fallbacks == 1 ? "was classified as a whole image" : "were classified as whole images") + " instead (counted in the metrics above).";
    }
}
