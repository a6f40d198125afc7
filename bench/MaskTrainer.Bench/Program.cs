using MaskTrainer.Bench;

// Benchmarks print their figures and ratios measured in one run; they are not timed tests.
// Usage: dotnet run -c Release --project bench/MaskTrainer.Bench -- <name> [options]
var benchmarks = new Dictionary<string, (string Description, Action<string[]> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["quantize"] = ("8-bit backbone: measure activation ranges (--write FILE), float vs int8 features and speed", QuantizationBenchmark.Run),
    ["featurize"] = ("default backbone: ours (ORT) vs bare ORT vs OpenCV DNN: agreement, images/s; cold vs warm cache", FeaturizationBenchmark.Run),
    ["backbones"] = ("linear-probe study of the catalog backbones on mask-sample (5-fold)", BackboneStudy.Run),
    ["detectors"] = ("face detectors: recall/FP on faces-dlib, masked-face rates, detections/s", FaceDetectorBenchmark.Run),
    ["recall-study"] = ("experiment: what extra passes (BlazeFace front, BlazeFace-back on tiles, lower/finer UltraFace tiles) add to ultraface-back-tiles", RecallStudy.Run),
    ["synth-realism"] = ("synthetic vs real masks: train on drawn masks, test on real ones", SynthRealismBenchmark.Run),
    ["detector"] = ("the detector app end to end: faces, label rates, FPS/latency vs the seeds' loop, memory", a => DetectorAppBenchmark.Run(a)),
    ["framing"] = ("framing analysis: which detections land on faces pasted into photos", FramingBenchmark.Run),
    ["crops"] = ("misclassified images of a folder with the face crop the model saw", CropDiagnostics.Run),
    ["verifier"] = ("second-stage face verifier study (fr_landmark) on the detector candidates", VerifierStudy.Run),
    ["small-faces"] = ("a model on small, dim and far faces: recall by face width, faces-dlib's bare faces, videos downscaled/darkened", SmallFacesBenchmark.Run),
    ["training"] = ("default training (ML.NET): accuracy, same-seed zip bytes, cold/warm time, framing, featurizer vs bare ORT, loaded-zip prediction latency", TrainingBenchmark.Run),
};

var usages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
{
    ["training"] = TrainingBenchmark.Usage,
    ["detector"] = DetectorAppBenchmark.Usage,
    ["small-faces"] = SmallFacesBenchmark.Usage,
    ["featurize"] = "bench featurize [--images N] [--rounds R] [--backbone ID] [--data DIR]",
    ["quantize"] = "bench quantize [--backbone ID] [--int8 ID] [--images N] [--rounds R] [--write FILE]",
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var chosen))
{
    Console.Error.WriteLine("usage: bench <name> [options]");
    foreach (var (name, (description, _)) in benchmarks)
    {
        Console.Error.WriteLine($"  {name,-14} {description}");
    }

    return args.Length == 0 ? 0 : 2;
}

if (args.Skip(1).TakeWhile(a => a != "--").Any(a => a is "--help" or "-h"))
{
    // Startup check without running anything: the benchmark's description and, where it has one, its usage.
    Console.WriteLine($"{args[0]}: {chosen.Description}");
    if (usages.TryGetValue(args[0], out var usage))
    {
        Console.WriteLine($"usage: {usage}");
    }

    return 0;
}

chosen.Run(args[1..]);
return 0;

