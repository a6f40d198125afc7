using System.Globalization;
using MaskTrainer.Faces;
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
        var model = MaskClassifier.Load(BenchPaths.Option(args, "--model", "artifacts/mask_model.zip"), store);
        string output = Directory.CreateDirectory(BenchPaths.Option(args, "--out", "crops")).FullName;
        using var detector = FaceDetectors.Create(model.FaceCrop?.DetectorId ?? FaceDetectors.DefaultId, store);
        var stage = new FaceCropStage(detector, new FaceCropStageOptions { Crop = model.CropOptions, MinConfidence = model.FaceCrop?.MinConfidence });
        using var engine = model.CreatePredictionEngine(store);
        int wrong = 0, total = 0, fallbacks = 0;
        foreach (var label in model.Labels)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(BenchPaths.Option(args, "--data", "data"), label)).Order(StringComparer.Ordinal))
            {
                using var image = ImageCodec.Read(file);
                using var crop = stage.Apply(image);
                var p = engine.PredictFace(crop.Image);
                total++;
                fallbacks += crop.FaceFound ? 0 : 1;
                if (p.Label == label)
                {
                    continue;
                }

                wrong++;
                Cv2.Rectangle(image, crop.FaceBox, new Scalar(0, 0, 255), 3);
                using var small = BenchCv.Resized(crop.Image, new Size(image.Rows, image.Rows));
                Cv2.PutText(image, string.Create(CultureInfo.InvariantCulture, $"{p.Label} {p.Probability:0.00} face {crop.Score:0.00}"),
                    new Point(5, 25), HersheyFonts.HersheySimplex, 0.8, new Scalar(0, 0, 255), 2);
                ImageCodec.Write(Path.Combine(output, $"{label}-{Path.GetFileNameWithoutExtension(file)}.jpg"), image);
                ImageCodec.Write(Path.Combine(output, $"{label}-{Path.GetFileNameWithoutExtension(file)}-crop.jpg"), small);
            }
        }

        Console.WriteLine($"{wrong} of {total} misclassified ({fallbacks} whole-image fallbacks); written to {output}");
    }
}
