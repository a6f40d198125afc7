using System.CommandLine;
using System.Globalization;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Train.Commands;

/// <summary>`predict --model FILE IMAGE...`: one line per image: path, label, probability.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file", DefaultValueFactory = _ => Path.Combine("artifacts", "mask_model.zip") };
        var modelsDir = new Option<string[]>("--models-dir") { Description = "Offline folder(s) holding model files", AllowMultipleArgumentsPerToken = true };
        var images = new Argument<string[]>("images") { Description = "Image files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict", "Classify image files with a saved model") { model, modelsDir, images };
        command.SetAction((r, ct) =>
        {
            using var store = new ModelStore(ModelStoreOptions.FromEnvironment(r.GetValue(modelsDir) ?? []));
            var classifier = MaskClassifier.Load(r.GetValue(model)!, store);
            using var engine = classifier.CreatePredictionEngine(store);
            int failures = 0;
            foreach (var path in r.GetValue(images)!)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var p = engine.Predict(path);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}\t{p.Label}\t{p.Probability:0.0000}"));
                }
                catch (ImageDecodeException e)
                {
                    failures++;
                    Console.Error.WriteLine($"error: {e.Message}");
                }
            }

            return Task.FromResult(failures == 0 ? 0 : 1);
        });
        return command;
    }
}
