using MaskTrainer.Onnx;

namespace MaskTrainer.Tests.Onnx;

/// <summary>ONNX Runtime's telemetry stays off: a process that runs ORT sessions leaves no device id or event queue behind.</summary>
public sealed class OrtTelemetryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mt-telemetry-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SharedFact("models", "data/faces-dlib/images/2008_002506.jpg")]
    public void A_process_running_ORT_sessions_writes_no_telemetry_files()
    {
        var faces = Directory.CreateDirectory(Path.Combine(_root, "faces")).FullName;
        File.CreateSymbolicLink(Path.Combine(faces, "photo.jpg"), SharedData.Full("data/faces-dlib/images/2008_002506.jpg"));
        var cache = Path.Combine(_root, "cache");

        // synth-masks runs two detectors (UltraFace, BlazeFace) in ORT; the variable is removed so
        // the child cannot inherit the choice from this test process.
        var (code, _, stderr) = TrainProcess.Run(
            new Dictionary<string, string?>
            {
                ["XDG_CACHE_HOME"] = cache,
                ["MASKTRAINER_MODELS"] = SharedData.Models,
                ["MASKTRAINER_OFFLINE"] = "1",
                [OrtTelemetry.DisableVariable] = null,
            },
            "synth-masks", "--faces", faces, "-o", Path.Combine(_root, "out"), "--detector", "ultraface", "--sheet-pairs", "0");

        code.Should().Be(0, stderr);
        Directory.Exists(Path.Combine(cache, "Microsoft")).Should().BeFalse("ORT writes deviceid and onnxruntime.db there when its telemetry is on");
        stderr.Should().NotContain("telemetry");
    }
}
