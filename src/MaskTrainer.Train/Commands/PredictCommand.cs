using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MaskTrainer.Faces;
using MaskTrainer.Imaging;
using MaskTrainer.Model;
using MaskTrainer.Models;
using MaskTrainer.Reporting;
using MaskTrainer.Train.Output;
using OpenCvSharp;

namespace MaskTrainer.Train.Commands;

/// <summary>
/// `predict --model FILE IMAGE...`: every face of every image, one line each (box, label,
/// probability), classified by an ML.NET PredictionEngine after the model's own face crop.
/// An image without a face says so and is not given a label.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file, or a folder holding mask_model.zip", DefaultValueFactory = _ => MaskModel.DefaultPath }.NotEmptyPath();
        var modelsDir = ModelChoices.ModelsDirOption();
        var json = new Option<bool>("--json") { Description = "One JSON object per image: {path, faces:[{box {x, y, width, height}, faceScore, state (classified|too_small), label, probability, scores}]}, named and rounded (4 places) as in the detector's JSON lines" };
        var minFaceSize = new Option<int?>("--min-face-size") { Description = $"Faces smaller than this (px) are reported as too small to judge; default: the model's ({FaceCropPolicy.DefaultMinFaceSize} unless trained otherwise); 0 = classify every face", HelpName = "PX" }.AtLeast(0);
        var crops = new Option<string?>("--crops") { Description = "Also write each face as the model sees it (PNG) into this folder (created if need be)" }.NotEmptyPath();
        var images = new Argument<string[]>("images") { Description = "Image files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict", "Classify every face in image files with a saved model") { model, modelsDir, json, minFaceSize, crops, images };
        command.SetAction((r, ct) =>
        {
            var cropDir = r.GetValue(crops);
            if (cropDir is not null)
            {
                OutputFolders.CheckCanCreate("--crops", cropDir, "--crops names a folder to write the face crops into");
            }

            if (cropDir is not null && SharedName(r.GetValue(images)!) is { } clash)
            {
                throw new ArgumentException($"--crops: {clash.B} has the same name as {clash.A}; their crops in {cropDir} would overwrite each other (rename one, or run them apart)");
            }

            using var store = DownloadDisplay.OpenStore(r.GetValue(modelsDir), ct);
            using var mask = MaskModel.Load(r.GetValue(model)!);
            using var faces = new FacePredictor(mask, store, r.GetValue(minFaceSize));
            if (cropDir is not null)
            {
                Directory.CreateDirectory(cropDir);
            }

            bool asJson = r.GetValue(json);
            // Said once, before the first image's faces: on stderr, as stdout is the lines scripts read;
            // not when no image could be read, where the errors are all there is to say.
            string? detectorNote = faces.DetectorId is { } detectorId ? FaceDetectorNote.ForLive(detectorId, mask.FaceCrop) : null;
            int failures = 0, done = 0;
            foreach (var path in r.GetValue(images)!)
            {
                ct.ThrowIfCancellationRequested();
                // `predict … | head -1`: .NET drops writes to a closed pipe, so every image would be
                // read and classified for nobody; as the detector's --images, asked before each image.
                if (StandardStreams.Out is { NobodyReads: true } stdout)
                {
                    return Task.FromResult(Errors.OutputGone(stdout, done));
                }

                done++;
                try
                {
                    using var image = ImageCodec.Read(path);
                    var found = faces.Predict(image, cropDir is null ? null : (i, crop) =>
                        ImageCodec.Write(Path.Combine(cropDir, $"{Path.GetFileNameWithoutExtension(path)}_face{i + 1}.png"), crop));
                    if (detectorNote is not null)
                    {
                        Console.Error.WriteLine(detectorNote);
                        detectorNote = null;
                    }

                    Console.WriteLine(asJson ? Json(path, found, mask.Labels) : Text(path, found, mask.FaceCrop.Enabled, faces.MinFaceSize));
                }
                catch (ImagingException e)
                {
                    failures++;
                    Console.Error.WriteLine($"error: {HumanText.Escape(e.Message)}");
                    if (asJson)
                    {
                        Console.WriteLine(new JsonObject { ["path"] = path, ["error"] = e.Message }.ToJsonString(OutputJson.Line));
                    }
                }
            }

            return Task.FromResult(failures == 0 ? 0 : 1);
        });
        return command;
    }

    private static string Text(string path, IReadOnlyList<FacePrediction> found, bool faceCrop, int minFaceSize)
    {
        path = HumanText.Escape(path); // one line per face, tab-separated, whatever the file name holds
        if (found.Count == 0)
        {
            return $"{path}\tno face found (nothing classified)";
        }

        var lines = new List<string>(found.Count);
        for (int i = 0; i < found.Count; i++)
        {
            var f = found[i];
            var where = f.Box is { } b ? $"face {i + 1} at {b.X},{b.Y} {b.Width}x{b.Height}" : faceCrop ? "whole image" : "whole image (model trained without face crop)";
            lines.Add(f.TooSmall
                ? $"{path}\t{where}\ttoo small to judge (under {minFaceSize} px)"
                : string.Create(CultureInfo.InvariantCulture, $"{path}\t{where}\t{f.Label}\t{f.Probability:0.0000}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Json(string path, IReadOnlyList<FacePrediction> found, IReadOnlyList<string> labels)
    {
        var faces = new JsonArray();
        foreach (var f in found)
        {
            var scores = new JsonObject();
            for (int c = 0; c < f.Scores.Length; c++)
            {
                scores[labels[c]] = OutputJson.Score(f.Scores[c]);
            }

            faces.Add(new JsonObject
            {
                // The detector app's names (docs/detector.md, JSON lines), so one script reads both.
                ["box"] = f.Box is { } b ? new JsonObject { ["x"] = b.X, ["y"] = b.Y, ["width"] = b.Width, ["height"] = b.Height } : null,
                ["faceScore"] = OutputJson.Score(f.Confidence),
                ["state"] = f.TooSmall ? "too_small" : "classified",
                ["label"] = f.TooSmall ? null : f.Label,
                ["probability"] = f.TooSmall ? null : OutputJson.Score(f.Probability),
                ["scores"] = f.TooSmall ? null : scores,
            });
        }

        return new JsonObject { ["path"] = path, ["faces"] = faces }.ToJsonString(OutputJson.Line);
    }

    /// <summary>Two inputs whose crops would be named alike (the crops are named after the file's name only); null when none.</summary>
    private static (string A, string B)? SharedName(IReadOnlyList<string> paths)
    {
        var names = new Dictionary<string, string>(Data.FilePaths.Comparison == StringComparison.Ordinal ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (names.TryGetValue(name, out var first) && !Data.FilePaths.Same(first, path))
            {
                return (first, path);
            }

            names.TryAdd(name, path);
        }

        return null;
    }
}
