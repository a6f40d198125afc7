using System.Globalization;
using MaskTrainer.Faces;
using MaskTrainer.Model;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Bench;

/// <summary>
/// For a saved model and an image folder (class sub-folders): writes, for every misclassified
/// image, the scene with the chosen face box and the crop the head saw, side by side.
/// Usage: bench crops --model FILE --data DIR --out DIR
/// </summary>
internal static class CropDiagnostics
{
    public static void Run(string[] args)
    {
        using var store = new ModelStore(ModelStoreOptions.FromEnvironment());
        using var model = MaskModel.Load(BenchPaths.Option(args, "--model", "artifacts/mask_model.zip"));
        string output = Directory.CreateDirectory(BenchPaths.Option(args, "--out", "crops")).FullName;
        var policy = model.FaceCrop;
        using var detector = FaceDetectors.Create(policy.DetectorId ?? FaceDetectors.DefaultId, store);
        // The crop evaluation and training make (padded detection, the face most inside the photo, whole-image fallback).
        var stage = new FaceCropStage(detector, new FaceCropStageOptions { Crop = policy.CropOptions, MinConfidence = policy.MinConfidence });
        using var predictor = new MaskPredictor(model);
        int wrong = 0, total = 0, fallbacks = 0;
        foreach (var label in model.Labels)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(BenchPaths.Option(args, "--data", "data"), label)).Order(StringComparer.Ordinal))
            {
                using var image = ImageCodec.Read(file);
                using var crop = stage.Apply(image);
                var p = predictor.Predict(crop.Image);
                total++;
                fallbacks += crop.FaceFound ? 0 : 1;
                if (p.PredictedLabel == label)
                {
                    continue;
                }

                wrong++;
                Cv2.Rectangle(image, crop.FaceBox, new Scalar(0, 0, 255), 3);
                using var small = BenchCv.Resized(crop.Image, new Size(image.Rows, image.Rows));
                Cv2.PutText(image, string.Create(CultureInfo.InvariantCulture, $"{p.PredictedLabel} {p.Score.Max():0.00} face {crop.Score:0.00}"),
                    new Point(5, 25), HersheyFonts.HersheySimplex, 0.8, new Scalar(0, 0, 255), 2);
                ImageCodec.Write(Path.Combine(output, $"{label}-{Path.GetFileNameWithoutExtension(file)}.jpg"), image);
                ImageCodec.Write(Path.Combine(output, $"{label}-{Path.GetFileNameWithoutExtension(file)}-crop.jpg"), small);
            }
        }

        Console.WriteLine($"{wrong} of {total} misclassified ({fallbacks} whole-image fallbacks); written to {output}");
    }
}
