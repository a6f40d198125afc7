using System.CommandLine;
using MaskTrainer.Model;
using MaskTrainer.Data;
using MaskTrainer.Models;
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
                Console.Error.WriteLine($"warning: skipped {s.Path}: {s.Reason}"); // as training words it
            }

            // Said as training's split says it: the copies left out are no more test images.
            if (result.Copies.Note() is { } note)
            {
                (asJson ? Console.Error : Console.Out).WriteLine(note);
            }

            if (asJson)
            {
                // stdout is exactly metrics.json; what it cannot say about faces goes to stderr.
                Console.WriteLine(result.Document.ToJson());
                Console.Error.WriteLine(FaceLine(result));
                return Task.FromResult(0);
            }

            Console.WriteLine(result.Metrics.MlConfusionMatrix?.GetFormattedConfusionTable());
            Console.WriteLine(MetricsPrinter.Format(result.Metrics));
            Console.WriteLine(FaceLine(result));
            return Task.FromResult(0);
        });
        return command;
    }

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
            ? $"Faces: found in all {found} image(s)."
            : $"Faces: found in {found} of {found + fallbacks} image(s); {fallbacks} had no face found and "
              + (fallbacks == 1 ? "was classified as a whole image" : "were classified as whole images") + " instead (counted in the metrics above).";
    }
}
