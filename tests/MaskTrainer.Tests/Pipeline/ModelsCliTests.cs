namespace MaskTrainer.Tests.Pipeline;

/// <summary>
/// `models fetch | list | verify` and the model store's settings as the CLI meets them, run as a
/// child process (<see cref="TrainProcess"/>) so each test has its own cache and environment.
/// </summary>
public sealed class ModelsCliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mt-models-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Cache => Path.Combine(_root, "cache");

    [SharedFact("models")]
    public void Fetch_fetches_every_model_it_can_and_names_each_failure_at_the_end()
    {
        // res10 comes from GitHub: a models folder without it, offline, is the unreachable case.
        var models = Directory.CreateDirectory(Path.Combine(_root, "models")).FullName;
        foreach (var file in Directory.GetFiles(SharedData.Full("models")).Where(f => !Path.GetFileName(f).StartsWith("opencv_face_detector", StringComparison.Ordinal)))
        {
            File.CreateSymbolicLink(Path.Combine(models, Path.GetFileName(file)), file);
        }

        var (code, stdout, stderr) = Run(models, "models", "fetch");

        code.Should().Be(1, stderr);
        stdout.Should().Contain("ultraface: ").And.Contain("fr-landmark: ", "models after res10 in the catalog are still fetched");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(l => l.StartsWith("error: res10: ", StringComparison.Ordinal) && l.Contains("opencv_face_detector_uint8.pb"));
        lines[^1].Should().MatchRegex(@"^\d+ of \d+ model\(s\) not fetched: res10(, |$)");
    }

    [SharedFact("models")]
    public void Fetch_takes_a_face_detector_id_as_the_models_that_detector_needs()
    {
        var (code, stdout, stderr) = Run(SharedData.Full("models"), "models", "fetch", "ultraface-back-tiles");

        code.Should().Be(0, stderr);
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)])
            .Should().Equal("ultraface", "blazeface-back", "fr-landmark");
    }

    [SharedFact("models", "data/faces-dlib/images/2008_002506.jpg")]
    public void A_cache_that_cannot_be_written_is_one_line_naming_it_and_how_to_choose_another()
    {
        // XDG_CACHE_HOME naming a file: res10 must be converted to ONNX into the cache's graphs/ folder.
        var file = Path.Combine(_root, "not-a-folder");
        File.WriteAllText(file, "");
        var faces = Directory.CreateDirectory(Path.Combine(_root, "faces")).FullName;
        File.CreateSymbolicLink(Path.Combine(faces, "photo.jpg"), SharedData.Full("data/faces-dlib/images/2008_002506.jpg"));

        var (code, _, stderr) = TrainProcess.Run(
            new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = file, ["MASKTRAINER_MODELS"] = SharedData.Full("models"), ["MASKTRAINER_OFFLINE"] = "1" },
            "synth-masks", "--faces", faces, "-o", Path.Combine(_root, "out"), "--detector", "res10", "--sheet-pairs", "0");

        code.Should().Be(1, stderr);
        stderr.Trim().Should().NotContain("\n").And.StartWith($"error: model cache {file}/masktrainer/models/graphs cannot be written ({file} is a file, not a folder)")
            .And.Contain("XDG_CACHE_HOME").And.NotContain("Could not find a part of the path");
    }

    [SharedFact("models/fr_landmark.onnx")]
    public void Verify_deletes_a_cached_graph_whose_bytes_changed_since_it_was_written()
    {
        var model = SharedData.Full("models/fr_landmark.onnx");
        var graphs = Path.Combine(Cache, "masktrainer", "models", "graphs");
        var graph = MaskTrainer.Onnx.OnnxGraphEdit.Prepare(model, MaskTrainer.Models.FileHasher.Sha256(model), ["onnx_node!Flatten_76"], symbolicBatch: true, graphs);
        var bytes = File.ReadAllBytes(graph);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(graph, bytes);

        var (code, stdout, _) = Run(SharedData.Full("models"), "models", "verify");

        code.Should().Be(1);
        stdout.Should().MatchRegex($@"graph +{System.Text.RegularExpressions.Regex.Escape(Path.GetFileName(graph))} +MISMATCH .*, deleted");
        File.Exists(graph).Should().BeFalse("the next use makes it again");
    }

    [SharedFact("models/fr_landmark.onnx")]
    public void Verify_passes_a_graph_an_older_version_cached_without_a_hash_and_deletes_it_to_be_made_again()
    {
        var model = SharedData.Full("models/fr_landmark.onnx");
        var graphs = Path.Combine(Cache, "masktrainer", "models", "graphs");
        var graph = MaskTrainer.Onnx.OnnxGraphEdit.Prepare(model, MaskTrainer.Models.FileHasher.Sha256(model), ["onnx_node!Flatten_76"], symbolicBatch: true, graphs);
        File.Delete(MaskTrainer.Onnx.GraphCache.SidecarPath(graph)); // as versions before the hashes wrote it

        var (code, stdout, _) = Run(SharedData.Full("models"), "models", "verify");

        code.Should().Be(0, "a graph with no recorded hash is not known to be damaged: " + stdout);
        stdout.Should().NotContain("MISMATCH");
        File.Exists(graph).Should().BeFalse("the next use makes it again, with its hash");
    }

    [Fact]
    public void Verify_lines_keep_their_columns_for_long_ids_and_file_names()
    {
        // The ids and names `models verify` printed out of line: fixed widths of 16 and 48 ran over.
        MaskTrainer.Models.VerifyResult[] results =
        [
            new("res10", "opencv_face_detector_uint8.pb", "/m/opencv_face_detector_uint8.pb", MaskTrainer.Models.VerifyStatus.Ok, "ab", false),
            new("face-api-demo-photos", "face-api-sample1.jpg", "/c/face-api-sample1.jpg", MaskTrainer.Models.VerifyStatus.Ok, "cd", false),
            new("npm:@vladmandic/face-api@1.7.15", "face-api-1.7.15.tgz", "/c/tarballs/face-api-1.7.15.tgz", MaskTrainer.Models.VerifyStatus.Ok, "ef", false),
            new("graph", "opencv_face_detector_uint8.5c71d752ef2cbf2f.onnx-a9e79a17c0b52a7b.onnx", "/c/graphs/g.onnx", MaskTrainer.Models.VerifyStatus.Mismatch, new string('0', 64), true),
        ];

        var lines = MaskTrainer.Train.Commands.ModelsCommand.VerifyLines(results).ToList();

        lines.Should().HaveCount(results.Length);
        // Each column starts where it starts on the other lines.
        lines.Select((l, i) => l.IndexOf(results[i].FileName, StringComparison.Ordinal)).Distinct().Should().ContainSingle();
        lines.Select((l, i) => l.IndexOf(i == 3 ? "MISMATCH" : "ok", StringComparison.Ordinal)).Distinct().Should().ContainSingle();
        lines.Select((l, i) => l.Length - results[i].Path.Length).Distinct().Should().ContainSingle();
        lines[3].Should().MatchRegex(@"^graph +opencv_face_detector_uint8\S+ +MISMATCH \(sha256 0{64}\), deleted +/c/graphs/g\.onnx$");
    }

    private (int Code, string Stdout, string Stderr) Run(string? models, params string[] args) =>
        TrainProcess.Run(
            new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = Cache, ["MASKTRAINER_MODELS"] = models, ["MASKTRAINER_OFFLINE"] = "1" },
            args);
}
