using MaskTrainer.Faces;
using MaskTrainer.Model;
using System.Text.Json;

namespace MaskTrainer.Tests.Pipeline;

/// <summary>The training app's commands, run in-process with the console captured.</summary>
[Collection(PipelineCollection.Name)]
public sealed class TrainCliTests(TrainedModelFixture fixture)
{
    [SharedFact("data/mask-sample", "models")]
    public void Evaluate_json_prints_exactly_the_metrics_document()
    {
        var (code, stdout, _) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", fixture.DataDirectory!, "--json");

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("count").GetInt32().Should().Be(2 * TrainedModelFixture.PerClass);
        doc.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetString()).Should().Equal("with_mask", "without_mask");
        doc.RootElement.GetProperty("confusionMatrix").GetArrayLength().Should().Be(2);
    }

    [SharedFact("data/mask-sample", "models")]
    public void Class_names_stay_readable_in_metrics_json_and_evaluate_and_predict_json()
    {
        // The default encoder wrote `mask <weared> & "incorrect" ü` as \u003Cweared\u003E \u0026 \u0022 \u00FC.
        const string name = "mask <weared> & \"incorrect\" ü";
        var data = Path.Combine(fixture.Root!, "h1-readable-names");
        foreach (var (label, from) in new[] { (name, "with_mask"), ("without_mask", "without_mask") })
        {
            var target = Directory.CreateDirectory(Path.Combine(data, label)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory!, from)).Order(StringComparer.Ordinal).Take(10))
            {
                File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(file)), new FileInfo(file).LinkTarget ?? file);
            }
        }

        var output = Path.Combine(fixture.Root!, "h1-readable-names-out", "m.zip");
        // The fixture's workspace holds these images' features: nothing is featurized again.
        var (trainCode, _, trainError) = Run("--data", data, "-o", output, "--augment", "0", "--workspace", fixture.Options!.Workspace, "--seed", "7");
        trainCode.Should().Be(0, trainError);
        var (evaluateCode, evaluated, _) = Run("evaluate", "--model", output, "--data", data, "--json");
        var image = Directory.GetFiles(Path.Combine(data, name)).Order(StringComparer.Ordinal).First();
        var (predictCode, predicted, _) = Run("predict", "--model", output, "--json", image);

        evaluateCode.Should().Be(0);
        predictCode.Should().Be(0);
        var metrics = File.ReadAllText(Path.Combine(Path.GetDirectoryName(output)!, "m.metrics.json"));
        const string written = "\"mask <weared> & \\\"incorrect\\\" ü\"";
        foreach (var (what, json) in new[] { ("metrics.json", metrics), ("evaluate --json", evaluated), ("predict --json", predicted) })
        {
            json.Should().Contain(written, what).And.NotContain("\\u00", what);
        }

        // Still valid JSON that reads back as the name; quotes stay escaped.
        MetricsDocument.FromJson(metrics).Labels.Should().Equal(name, "without_mask");
        JsonDocument.Parse(evaluated).RootElement.GetProperty("perClass").EnumerateObject().First().Name.Should().Be(name);
        System.Text.Json.Nodes.JsonNode.Parse(predicted)!["faces"]![0]!["scores"]!.AsObject().Select(p => p.Key).Should().Equal(name, "without_mask");
        predicted.Trim().Should().NotContain("\n", "predict --json prints one line per image");
        // The report embeds no JSON: its names are HTML-escaped.
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(output)!, "m.report", "index.html")).Should().NotContain("<weared>").And.Contain("&lt;weared&gt;");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Evaluate_json_still_says_on_stderr_how_the_faces_were_found()
    {
        var (code, stdout, stderr) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", fixture.DataDirectory!, "--json");

        code.Should().Be(0);
        stdout.Should().NotContain("Faces: ");
        stderr.Split('\n').Select(l => l.TrimEnd('\r')).Should().ContainSingle(l => l.StartsWith("Faces: found in ", StringComparison.Ordinal));
    }

    [SharedFact("data/mask-sample", "models")]
    public void Evaluate_says_how_many_images_had_no_face_and_were_classified_whole()
    {
        var (code, stdout, _) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", fixture.DataDirectory!);

        code.Should().Be(0);
        var line = stdout.Split('\n').Select(l => l.TrimEnd('\r')).Should().ContainSingle(l => l.StartsWith("Faces: ", StringComparison.Ordinal)).Subject;
        var m = System.Text.RegularExpressions.Regex.Match(line,
            @"^Faces: found in (the (?<found>1) image|all (?<found>\d+) images|(?<found>\d+) of \d+ images?)(; (?<none>\d+) had no face found and (was classified as a whole image|were classified as whole images) instead \(counted in the metrics above\))?\.$");
        m.Success.Should().BeTrue(line);
        int none = m.Groups["none"].Success ? int.Parse(m.Groups["none"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        (int.Parse(m.Groups["found"].Value, System.Globalization.CultureInfo.InvariantCulture) + none).Should().Be(2 * TrainedModelFixture.PerClass, "every image is counted once");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Evaluate_lists_the_misclassified_images_the_most_confident_first()
    {
        // Bare faces filed as with_mask: the model calls them without_mask, and evaluate must name them
        // (it only counted them; predict, the other way to find them, uses another detector).
        var root = Path.Combine(fixture.Root!, "h3-mislabelled");
        var folder = Directory.CreateDirectory(Path.Combine(root, "with_mask")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "without_mask")).Order(StringComparer.Ordinal).Take(3))
        {
            File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(file)), file);
        }

        var (code, stdout, stderr) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", root);

        code.Should().Be(0, stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int title = lines.FindIndex(l => l.StartsWith("Misclassified: ", StringComparison.Ordinal));
        title.Should().BeGreaterThan(0, stdout);
        lines[title].Should().Be("Misclassified: 3 of 3 images, the most confident first:");
        lines[title + 1].Should().MatchRegex(@"^  True +Predicted +Probability  Image$");
        var rows = lines.Skip(title + 2).Take(3).Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^  with_mask +without_mask +(?<p>\d\.\d{4})  (?<path>.+)$")).ToList();
        rows.Should().OnlyContain(m => m.Success, stdout);
        rows.Select(m => Path.GetFileName(m.Groups["path"].Value)).Should().BeEquivalentTo(Directory.GetFiles(folder).Select(Path.GetFileName));
        rows.Select(m => double.Parse(m.Groups["p"].Value, System.Globalization.CultureInfo.InvariantCulture)).Should().BeInDescendingOrder();
    }

    [Fact]
    public void Evaluate_lists_ten_misclassified_images_and_counts_the_others()
    {
        var wrong = Enumerable.Range(0, 12)
            .Select(i => new Misclassification(new MaskTrainer.Data.ImageExample($"d/with_mask/{i}.jpg", "with_mask", 0, ""), 1, 0.99f - (i * 0.01f), 0.01f + (i * 0.01f)))
            .ToList();

        var text = MaskTrainer.Train.Commands.EvaluateCommand.MisclassifiedList(wrong, ["with_mask", "without_mask"], 40).ReplaceLineEndings("\n");

        text.Should().StartWith("Misclassified: 12 of 40 images, the most confident first (10 listed):\n  True          Predicted     Probability  Image\n"
                                + "  with_mask     without_mask       0.9900  d/with_mask/0.jpg\n");
        text.Should().Contain("d/with_mask/9.jpg").And.NotContain("d/with_mask/10.jpg").And.EndWith("\n  ... and 2 more, less confident\n");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predict_keeps_one_line_per_face_when_a_file_name_holds_a_newline_or_a_tab()
    {
        var image = Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).First();
        var folder = Directory.CreateTempSubdirectory("s21-newline-").FullName;
        try
        {
            var odd = Path.Combine(folder, "two\nlines\tand a tab.jpg");
            File.Copy(image, odd);

            var (code, stdout, _) = Run("predict", "--model", fixture.Run!.ModelPath, odd);

            code.Should().Be(0);
            var lines = stdout.TrimEnd('\n', '\r').Split('\n');
            lines.Should().ContainSingle("one face, one line: a TSV reader sees one record").Which
                .Should().StartWith(Path.Combine(folder, "two\\nlines\\tand a tab.jpg") + "\t");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Evaluate_and_predict_each_name_their_face_detector_and_the_other_commands()
    {
        // evaluate cuts faces with the training crops' detector, predict with the model's live one: on the
        // same photo they can disagree, and nothing said so.
        var image = Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).First();
        var (evalCode, evalOut, _) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", fixture.DataDirectory!);
        var (jsonCode, _, jsonErr) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", fixture.DataDirectory!, "--json");
        var (predictCode, predictOut, predictErr) = Run("predict", "--model", fixture.Run!.ModelPath, image);

        var trained = fixture.Run!.Metadata.FaceCrop;
        string metricsLine = $"Face detector: {trained.DetectorId} (the training crops' detector); predict and the detector app use {trained.LiveDetectorId} (the model's live detector), so their labels of the same photo can differ.";
        evalCode.Should().Be(0);
        evalOut.Split('\n').Select(l => l.TrimEnd('\r')).Should().ContainSingle(l => l.StartsWith("Face detector: ", StringComparison.Ordinal)).Which.Should().Be(metricsLine);
        jsonCode.Should().Be(0);
        jsonErr.Split('\n').Select(l => l.TrimEnd('\r')).Should().Contain(metricsLine);
        predictCode.Should().Be(0);
        predictOut.Should().NotContain("Face detector");
        predictErr.Trim().Should().Be($"Face detector: {trained.LiveDetectorId} (the model's live detector); evaluate and training's test metrics use {trained.DetectorId} (the training crops' detector), so their labels of the same photo can differ.");
        trained.DetectorId.Should().NotBe(trained.LiveDetectorId, "the two detectors this test is about");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predict_json_rounds_scores_and_probabilities_to_4_places_as_the_detector_lines_do()
    {
        var image = SharedData.Full("data/faces-dlib/images/2008_002506.jpg");

        var (code, stdout, _) = Run("predict", "--model", fixture.Run!.ModelPath, "--json", image);

        code.Should().Be(0);
        // It printed 0.9999323 where the detector's lines have 0.9999.
        var faces = System.Text.Json.Nodes.JsonNode.Parse(stdout)!["faces"]!.AsArray();
        faces.Should().NotBeEmpty();
        var numbers = faces.SelectMany(f => new[] { f!["faceScore"]!, f["probability"]! }.Concat(f["scores"]!.AsObject().Select(p => p.Value!)))
            .Select(n => n.GetValue<double>()).ToList();
        numbers.Should().OnlyContain(v => v == Math.Round(v, 4));
        System.Text.RegularExpressions.Regex.Matches(stdout, @"\d\.\d{5,}").Should().BeEmpty(stdout);
    }

    [SharedFact("data/mask-sample", "models")]
    public void Evaluate_where_no_image_can_be_read_is_a_one_line_error_naming_a_skipped_file()
    {
        var root = Path.Combine(fixture.Root!, "none-readable");
        var empty = Path.Combine(Directory.CreateDirectory(Path.Combine(root, "with_mask")).FullName, "z.jpg");
        File.WriteAllBytes(empty, []);

        var (code, stdout, stderr) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", root);

        code.Should().Be(1);
        stdout.Should().NotContain("Examples:");
        stderr.Trim().Should().Be($"error: class 'with_mask' in '{root}': none of its 1 images could be read (e.g. {empty}: empty (0 bytes)); fix or remove them");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Evaluate_refuses_a_class_folder_of_unreadable_files_as_an_empty_one_and_warns_of_skipped_files_as_training_does()
    {
        var root = Path.Combine(fixture.Root!, "one-class-unreadable");
        var with = Directory.CreateDirectory(Path.Combine(root, "with_mask")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).Take(2))
        {
            File.CreateSymbolicLink(Path.Combine(with, Path.GetFileName(file)), new FileInfo(file).LinkTarget ?? file);
        }

        var garbage = Path.Combine(with, "not an image.jpg");
        File.WriteAllText(garbage, "not a JPEG");
        var (okCode, _, okStderr) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", root);
        var without = Path.Combine(Directory.CreateDirectory(Path.Combine(root, "without_mask")).FullName, "z.jpg");
        File.WriteAllBytes(without, []);
        var (code, stdout, stderr) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", root);

        okCode.Should().Be(0, okStderr);
        okStderr.Split('\n').Select(l => l.TrimEnd('\r')).Should().ContainSingle(l => l.Contains("skipped", StringComparison.Ordinal))
            .Which.Should().StartWith($"warning: skipped {garbage}: ");
        code.Should().Be(1);
        stdout.Should().NotContain("Examples:");
        stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Be($"error: class 'without_mask' in '{root}': none of its 1 images could be read (e.g. {without}: empty (0 bytes)); fix or remove them");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Ctrl_C_on_evaluate_and_predict_says_what_that_command_left_not_what_training_keeps()
    {
        // All of mask-sample: far more than is featurized before the signal arrives.
        var sample = SharedData.Full("data/mask-sample");
        var workspace = Path.Combine(fixture.Root!, "ctrl-c-workspace");
        var crops = Path.Combine(fixture.Root!, "ctrl-c-crops");
        var images = Directory.GetFiles(Path.Combine(sample, "without_mask")).Order(StringComparer.Ordinal).Take(200);

        var plain = InterruptedRun.Run("Featurizing", "evaluate", "--model", fixture.Run!.ModelPath, "--data", sample);
        var cached = InterruptedRun.Run("Featurizing", "evaluate", "--model", fixture.Run!.ModelPath, "--data", sample, "--workspace", workspace);
        // predict prints its results on stdout, one image at a time: stopped after the first.
        var predict = InterruptedRun.RunUntilOutput(["predict", "--model", fixture.Run!.ModelPath, "--crops", crops, .. images]);

        plain.Code.Should().Be(130, plain.Stderr);
        LastLine(plain.Stderr).Should().Be("cancelled: no metrics were computed");
        plain.Stdout.Should().NotContain("Examples:");
        cached.Code.Should().Be(130, cached.Stderr);
        LastLine(cached.Stderr).Should().Be($"cancelled: no metrics were computed; the features cached so far in {workspace} are kept for the next run");
        predict.Code.Should().Be(130, predict.Stderr);
        LastLine(predict.Stderr).Should().Be($"cancelled: the images listed above were classified, the others were not; {crops} holds the face crops of the listed images only");
        predict.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.Should().BeLessThan(200);
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1].TrimEnd('\r');

    [SharedFact("data/mask-sample", "models")]
    public void Evaluate_scores_a_folder_of_one_class_with_its_recall()
    {
        // Only with_mask/: a training rule (two classes) that evaluation does not need.
        var one = Directory.CreateDirectory(Path.Combine(fixture.Root!, "one-class", "with_mask")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).Take(8))
        {
            File.CreateSymbolicLink(Path.Combine(one, Path.GetFileName(file)), file);
        }

        var (code, stdout, stderr) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", Path.GetDirectoryName(one)!);
        var (jsonCode, json, _) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", Path.GetDirectoryName(one)!, "--json");

        code.Should().Be(0, stderr);
        stdout.Should().Contain("Examples:            8").And.NotContain("NaN").And.NotContain("Infinity").And.NotContain("AUC (");
        stdout.Should().MatchRegex(@"\nwith_mask +\d\.\d{4} +\d\.\d{4} +\d\.\d{4} +8\r?\n");
        stdout.Should().MatchRegex(@"\nwithout_mask +(\d\.\d{4}|-) +- +- +0\r?\n");
        stdout.Should().Contain("No examples of without_mask");
        // Not "Log-loss reduction: 0.0000" right above the note that it needs every class.
        stdout.Should().Contain("\nLog-loss reduction:  -\n".ReplaceLineEndings());
        jsonCode.Should().Be(0);
        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("count").GetInt32().Should().Be(8);
        doc.RootElement.GetProperty("perClass").GetProperty("with_mask").GetProperty("support").GetInt32().Should().Be(8);
        doc.RootElement.GetProperty("auc").ValueKind.Should().Be(JsonValueKind.Null);
        doc.RootElement.GetProperty("logLossReduction").ValueKind.Should().Be(JsonValueKind.Null);
        MetricsDocument.FromJson(json).LogLossReduction.Should().BeNull("the document reads back");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Train_replaces_an_earlier_model_zip_and_an_empty_file_given_as_output()
    {
        var folder = Directory.CreateDirectory(Path.Combine(fixture.Root!, "replace")).FullName;
        var zip = Path.Combine(folder, "old.zip");
        File.Copy(fixture.Run!.ModelPath, zip);
        var empty = Path.Combine(folder, "empty.zip");
        File.WriteAllBytes(empty, []);

        foreach (var output in new[] { zip, empty })
        {
            var (code, _, stderr) = Run("--data", fixture.DataDirectory!, "--output", output, "--workspace", Path.Combine(fixture.Root!, "workspace"),
                "--iterations", "5", "--no-report");

            code.Should().Be(0, stderr);
            using var model = MaskModel.Load(output);
            model.Labels.Should().Equal("with_mask", "without_mask");
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predict_prints_one_tab_separated_line_per_face_with_its_box()
    {
        var images = Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "without_mask")).Order(StringComparer.Ordinal).Take(2).ToArray();

        var (code, stdout, _) = Run(["predict", "--model", fixture.Run!.ModelPath, .. images]);

        code.Should().Be(0);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCountGreaterThanOrEqualTo(2, "every image shows a face");
        lines.Select(l => l.Split('\t')[0]).Distinct().Should().BeEquivalentTo(images);
        foreach (var line in lines)
        {
            var fields = line.Split('\t');
            fields[1].Should().MatchRegex(@"^face \d+ at -?\d+,-?\d+ \d+x\d+$");
            fields[2].Should().BeOneOf("with_mask", "without_mask");
            float.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(0.5f, 1f);
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void Predict_reports_faces_below_the_minimum_size_as_too_small_not_as_a_label()
    {
        var image = SharedData.Full("data/faces-dlib/images/2008_002506.jpg");

        var (code, stdout, _) = Run("predict", "--model", fixture.Run!.ModelPath, "--min-face-size", "100000", image);
        var (jsonCode, json, _) = Run("predict", "--model", fixture.Run!.ModelPath, "--min-face-size", "100000", "--json", image);
        var (allCode, all, _) = Run("predict", "--model", fixture.Run!.ModelPath, "--min-face-size", "0", "--json", image);
        var (badCode, _, badError) = Run("predict", "--model", fixture.Run!.ModelPath, "--min-face-size", "-3", image);

        code.Should().Be(0);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3, "the photo has three faces").And.OnlyContain(l => l.EndsWith("\ttoo small to judge (under 100000 px)", StringComparison.Ordinal));
        jsonCode.Should().Be(0);
        var faces = System.Text.Json.Nodes.JsonNode.Parse(json)!["faces"]!.AsArray();
        faces.Should().HaveCount(3).And.OnlyContain(f => (string)f!["state"]! == "too_small" && f["label"] == null && f["scores"] == null);
        allCode.Should().Be(0);
        System.Text.Json.Nodes.JsonNode.Parse(all)!["faces"]!.AsArray().Should().OnlyContain(f => (string)f!["state"]! == "classified" && f["label"] != null);
        // The detector app's field names, so one script reads both outputs.
        var face = System.Text.Json.Nodes.JsonNode.Parse(all)!["faces"]![0]!.AsObject();
        face.Select(p => p.Key).Should().Equal("box", "faceScore", "state", "label", "probability", "scores");
        face["box"]!.AsObject().Select(p => p.Key).Should().Equal("x", "y", "width", "height");
        badCode.Should().NotBe(0);
        badError.Should().Contain("--min-face-size").And.Contain("-3");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Bad_data_folder_is_a_one_line_error_and_exit_code_1()
    {
        var missing = Path.Combine(fixture.Root!, "missing-data");

        var (code, stdout, stderr) = Run("--data", missing, "--output", Path.Combine(fixture.Root!, "x.zip"));

        code.Should().Be(1);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain(missing);
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_workspace_that_is_a_file_is_a_one_line_error_for_train_and_evaluate()
    {
        // It was an unhandled AggregateException of 51 lines (exit 134) from the featurizing's first cache read.
        var file = Path.Combine(fixture.Root!, "cli-workspace-file");
        File.WriteAllText(file, "");
        var expected = $"error: workspace '{file}' cannot hold the feature cache: '{file}' is a file, not a folder";

        var (code, _, stderr) = Run("--data", fixture.DataDirectory!, "--output", Path.Combine(fixture.Root!, "cli-ws-out", "m.zip"), "--workspace", file);
        var (evalCode, _, evalStderr) = Run("evaluate", "--model", fixture.Run!.ModelPath, "--data", fixture.DataDirectory!, "--workspace", file);

        code.Should().Be(1);
        stderr.Trim().Should().Be(expected);
        evalCode.Should().Be(1);
        evalStderr.Trim().Should().Be(expected);
    }

    [SharedFact("data/mask-sample", "models")]
    public void Missing_model_is_a_one_line_error()
    {
        var (code, _, stderr) = Run("predict", "--model", "/nonexistent/m.zip", "a.jpg");

        code.Should().Be(1);
        stderr.Trim().Should().Be("error: /nonexistent/m.zip: model file not found (train one with ./train.sh, or pass --model)");
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_photo_given_as_the_model_is_said_not_to_be_a_model_zip()
    {
        // The image and the model swapped: it passed on .NET's "End of Central Directory record could not be found."
        var photo = Directory.GetFiles(Path.Combine(fixture.DataDirectory!, "with_mask")).Order(StringComparer.Ordinal).First();

        var (code, _, stderr) = Run("predict", "--model", photo, photo);

        code.Should().Be(1);
        stderr.Trim().Should().Be($"error: {photo}: not a model zip (not a zip file at all; a model is the .zip ./train.sh writes)");
    }

    [SharedFact("data/mask-sample", "models")]
    public void Train_blanks_the_crop_margin_by_default_and_keep_face_context_turns_it_off()
    {
        // The crop options travel in the model file, so the detector app crops as training did.
        foreach (var (extra, blank) in new[] { (Array.Empty<string>(), true), (["--keep-face-context"], false) })
        {
            var output = Path.Combine(fixture.Root!, blank ? "blank" : "context", "m.zip");
            var (code, stdout, stderr) = Run(["--data", fixture.DataDirectory!, "--output", output, "--workspace", Path.Combine(fixture.Root!, "workspace"),
                "--models-dir", SharedData.Full("models"), "--iterations", "5", "--no-report", .. extra]);

            code.Should().Be(0, stderr);
            stdout.Should().Contain("note: only 12 test images", "60 images give a test split too small to judge");
            // The test metrics are of the training detector's crops; predict and the detector app use the live one.
            stdout.Should().Contain($"Face detector: {FaceDetectors.DefaultId} (the training crops' detector); predict and the detector app use {FaceDetectors.LiveId} (the model's live detector)");
            using var model = MaskModel.Load(output);
            model.FaceCrop.BlankMargin.Should().Be(blank);
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void A_chance_level_model_names_the_head_settings_that_caused_it_not_the_data()
    {
        // 3 + 3 images: the warning said "its features carry no class information; check that the
        // class folders really differ" for head settings that keep any data from being learned.
        var data = Path.Combine(fixture.Root!, "three-each");
        foreach (var label in new[] { "with_mask", "without_mask" })
        {
            var target = Directory.CreateDirectory(Path.Combine(data, label)).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(fixture.DataDirectory!, label)).Order(StringComparer.Ordinal).Take(3))
            {
                File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(file)), new FileInfo(file).LinkTarget ?? file);
            }
        }

        foreach (var (extra, named) in new[]
                 {
                     (new[] { "--iterations", "1" }, "--iterations 1 (default 100)"),
                     (["--l2", "1e30"], "--l2 1E+30 (default 0.01)"),
                     (["--trainer", "LightGbm"], "--trainer LightGbm on 8 training rows"),
                 })
        {
            var (code, _, stderr) = Run(["--data", data, "--output", Path.Combine(fixture.Root!, "three-each-out", "m.zip"), "--workspace", Path.Combine(fixture.Root!, "workspace"),
                "--no-report", .. extra]);

            code.Should().Be(0, stderr);
            var warning = stderr.Split('\n').Select(l => l.TrimEnd('\r')).Should().ContainSingle(l => l.StartsWith("warning: the model is no better than chance", StringComparison.Ordinal)).Subject;
            warning.Should().Contain($"the head's settings may have kept it from learning: {named}").And.NotContain("class folders", string.Join(' ', extra));
        }
    }

    [SharedFact("data/mask-sample", "models")]
    public void The_summary_says_the_crop_shape_in_words_and_gives_every_written_path_in_full()
    {
        // It printed "square True", and "Model: artifacts/mask_model.zip" as typed beside full Metrics/Report paths.
        var output = Path.Combine(fixture.Root!, "relative-out", "m.zip");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, output);

        var (code, stdout, stderr) = Run("--data", fixture.DataDirectory!, "--output", relative, "--workspace", Path.Combine(fixture.Root!, "workspace"), "--iterations", "5");

        code.Should().Be(0, stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        lines.Should().ContainSingle(l => l.StartsWith("Face crop: ", StringComparison.Ordinal)).Which.Should().EndWith(", squared").And.NotContain("True");
        lines.Should().Contain($"Model:   {output}");
        lines.Should().Contain($"Metrics: {Path.Combine(fixture.Root!, "relative-out", "m.metrics.json")}");
        lines.Should().Contain($"Report:  {Path.Combine(fixture.Root!, "relative-out", "m.report", "index.html")}");
    }

    [SharedFact("models/MODELS.md")]
    public void Models_list_shows_the_catalog()
    {
        var (code, stdout, _) = Run("models", "list", "--models-dir", SharedData.Full("models"));

        code.Should().Be(0);
        stdout.Should().Contain("res10").And.Contain("fr-pose").And.Contain("face-detector").And.Contain("backbone");
        if (Console.IsOutputRedirected)
        {
            // Piped (as under the test runner): plain tab-separated lines, no ANSI codes, names whole.
            stdout.Should().NotContain("\u001b");
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines[0].Should().Be("id\trole\tsize_mb\tcached\tlicence");
            lines.Should().Contain(l => l.StartsWith("resnet18\tbackbone\t", StringComparison.Ordinal));
            lines.Should().Contain(l => l.StartsWith("face-api-demo-photos\tsample-images\t", StringComparison.Ordinal));
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) => TrainCli.Run(args);
}
