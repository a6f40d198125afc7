using System.Diagnostics;
using MaskTrainer.Models;

namespace MaskTrainer.Tests.Pipeline;

/// <summary>
/// Bad command lines: one line on stderr naming the option, the bad value and the valid values,
/// exit code 2, and no work done. --data always points at a folder that does not exist, so an
/// error about the option (not the folder) shows the check ran before the dataset scan.
/// </summary>
public sealed class TrainCliUsageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "masktrainer-usage-" + Guid.NewGuid().ToString("N"));

    private string MissingData => Path.Combine(_root, "no-such-data");

    private string Workspace => Path.Combine(_root, "workspace");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("--trainer", "Foo", new[] { "LbfgsMaximumEntropy", "SdcaMaximumEntropy", "LightGbm", "Auto" })]
    [InlineData("--backbone-channels", "RGBA", new[] { "RGB", "BGR" })]
    [InlineData("--backbone-layout", "CHW", new[] { "NCHW", "NHWC" })]
    [InlineData("--detector", "yolo", new[] { "cascade", "res10", "haar" })]
    [InlineData("--test-fraction", "1.5", new[] { "> 0", "< 1" })]
    [InlineData("--test-fraction", "0", new[] { "> 0", "< 1" })]
    [InlineData("--validation-fraction", "-0.1", new[] { ">= 0", "< 1" })]
    [InlineData("--iterations", "0", new[] { "from 1 to 2147483647" })]
    [InlineData("--iterations", "99999999999", new[] { "from 1 to 2147483647" })]
    [InlineData("--augment", "many", new[] { "from 0 to 10" })]
    [InlineData("--augment", "100000", new[] { "from 0 to 10" })]
    [InlineData("--augment", "11", new[] { "from 0 to 10" })]
    [InlineData("--seed", "2147483648", new[] { "from -2147483648 to 2147483647" })]
    public void Bad_train_option_value_is_one_line_naming_option_value_and_valid_values(string option, string value, string[] valid)
    {
        var stderr = RunExpectingUsageError("--data", MissingData, "--workspace", Workspace, option, value);

        stderr.Should().StartWith($"error: {option}: ").And.Contain($"'{value}'");
        foreach (var v in valid)
        {
            stderr.Should().Contain(v);
        }
    }

    [Fact]
    public void Bad_value_of_the_explicit_train_command_is_reported_the_same_way()
    {
        RunExpectingUsageError("train", "--data", MissingData, "--trainer", "Foo")
            .Should().Be("error: --trainer: 'Foo' is not one of LbfgsMaximumEntropy, SdcaMaximumEntropy, LightGbm, Auto");
    }

    [Fact]
    public void Enum_values_are_case_insensitive()
    {
        // Parses, so the run reaches the (missing) data folder: exit 1, the folder named.
        var (code, _, stderr) = TrainCli.Run("--data", MissingData, "--workspace", Workspace, "--trainer", "lightgbm");

        code.Should().Be(1);
        stderr.Should().Contain(MissingData).And.NotContain("--trainer");
    }

    [Fact]
    public void Auto_without_a_validation_split_is_a_usage_error()
    {
        RunExpectingUsageError("--data", MissingData, "--trainer", "Auto", "--validation-fraction", "0")
            .Should().Be($"error: {MaskTrainingPipeline.AutoNeedsValidation}");
    }

    [Fact]
    public void Unknown_backbone_lists_the_catalog_backbones_and_says_a_model_file_is_accepted()
    {
        var stderr = RunExpectingUsageError("--data", MissingData, "--backbone", "x");

        stderr.Should().StartWith("error: --backbone: ").And.Contain("'x'").And.Contain(".onnx");
        foreach (var backbone in ModelCatalog.Default.WithRole(ModelRole.Backbone))
        {
            stderr.Should().Contain(backbone.Id);
        }

        stderr.Should().NotContain("res10", "face detectors are not backbones");
    }

    [Fact]
    public void Backbone_file_is_still_accepted_and_needs_its_feature_layer()
    {
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "mine.onnx");
        File.WriteAllBytes(file, [0]);

        RunExpectingUsageError("--data", MissingData, "--backbone", file).Should().Contain("--backbone-layer");
        var (code, _, stderr) = TrainCli.Run("--data", MissingData, "--workspace", Workspace, "--backbone", file, "--backbone-layer", "features");
        code.Should().Be(1, "a path to a model file passes the parse-time check");
        stderr.Should().Contain(MissingData);
    }

    [SharedFact("data/mask-sample", "models/fr_pose.onnx")]
    public void A_feature_layer_the_backbone_file_lacks_is_one_line_naming_the_file_once()
    {
        var data = Path.Combine(_root, "h3-data");
        foreach (var label in new[] { "with_mask", "without_mask" })
        {
            var folder = Directory.CreateDirectory(Path.Combine(data, label)).FullName;
            foreach (var image in Directory.GetFiles(SharedData.Full(Path.Combine("data/mask-sample", label))).Order(StringComparer.Ordinal).Take(3))
            {
                File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(image)), image);
            }
        }

        var file = Path.Combine(_root, "h3-pose.onnx");
        File.Copy(SharedData.Full("models/fr_pose.onnx"), file);

        var (code, _, stderr) = TrainCli.Run("--data", data, "--workspace", Workspace, "-o", Path.Combine(_root, "h3-out") + "/", "--backbone", file, "--backbone-layer", "Nope_1");

        code.Should().Be(1);
        // It read "FILE: cannot load backbone 'user:…': FILE: no tensor or node "Nope_1" in the graph (close names: …)".
        var error = stderr.Split('\n').Should().ContainSingle(l => l.StartsWith("error: ", StringComparison.Ordinal)).Which;
        error.Should().StartWith($"error: {file}: cannot load backbone ").And.Contain("no tensor or node \"Nope_1\" in h3-pose.onnx (nearest names: onnx_node!");
        error.Split(file).Should().HaveCount(2, "the path is said once");
    }

    [Fact]
    public void A_file_named_like_a_catalog_backbone_in_the_current_folder_does_not_hijack_it()
    {
        // The default backbone became "--backbone resnet18-int8 is a file: also give --backbone-layer"
        // in a folder holding a file of that name, though --backbone was never typed.
        var folder = Directory.CreateDirectory(Path.Combine(_root, "cwd")).FullName;
        File.WriteAllText(Path.Combine(folder, MaskTrainingOptions.DefaultBackbone), "x");
        File.WriteAllText(Path.Combine(folder, "resnet18"), "x");
        var env = new Dictionary<string, string?>();

        foreach (var extra in new[] { Array.Empty<string>(), ["--backbone", "resnet18"] })
        {
            var (code, _, stderr) = TrainProcess.RunIn(folder, env, ["--data", MissingData, "--workspace", Workspace, .. extra]);
            code.Should().Be(1, stderr);
            stderr.Trim().Should().StartWith("error: ").And.Contain(MissingData, "the catalog backbone is taken and the run goes on to the data folder");
        }

        // Written as a path, the file is taken.
        var (pathCode, _, pathError) = TrainProcess.RunIn(folder, env, "--data", MissingData, "--backbone", "./resnet18");
        pathCode.Should().Be(2);
        pathError.Trim().Should().Be("error: --backbone: './resnet18' is a file: also give --backbone-layer (the feature layer's name)");
    }

    [Theory]
    [InlineData("--backbone-mean", "NaN,1,2", "'NaN' is not a finite number")]
    [InlineData("--backbone-mean", "1e39,0,0", "'1e39' is not a finite number")]
    [InlineData("--backbone-std", "0,0,0", "'0' is not a number > 0")]
    [InlineData("--backbone-std", "0.2,Infinity,0.2", "'Infinity' is not a finite number")]
    [InlineData("--backbone-scale", "NaN", "is not a finite number > 0")]
    [InlineData("--backbone-input", "99999", "outside 16 to 1024 pixels a side")]
    [InlineData("--backbone-input", "224x8", "outside 16 to 1024 pixels a side")]
    [InlineData("--backbone-input", "0", "outside 16 to 1024 pixels a side")]
    [InlineData("--backbone-layer", "", "the layer name is empty")]
    public void Bad_own_backbone_value_is_a_usage_error_naming_the_option(string option, string value, string problem)
    {
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "mine.onnx");
        File.WriteAllBytes(file, [0]);
        string[] layer = option == "--backbone-layer" ? [] : ["--backbone-layer", "features"];

        RunExpectingUsageError(["--data", MissingData, "--workspace", Workspace, "--backbone", file, .. layer, option, value])
            .Should().StartWith($"error: {option}: ").And.Contain(problem);
    }

    [Theory]
    [InlineData("--backbone-layer", "foo")]
    [InlineData("--backbone-std", "0.229,0.224,0.225")]
    [InlineData("--backbone-input", "112")]
    [InlineData("--backbone-channels", "BGR")]
    public void Own_backbone_option_with_a_catalog_backbone_is_refused_not_ignored(string option, string value)
    {
        RunExpectingUsageError("--data", MissingData, "--workspace", Workspace, option, value)
            .Should().Be($"error: {option}: only applies to your own backbone file (--backbone path/to/network.onnx); 'resnet18-int8' is a catalog backbone with its own layer and preprocessing");
        RunExpectingUsageError("--data", MissingData, "--workspace", Workspace, "--backbone", "resnet18", option, value)
            .Should().Contain("'resnet18' is a catalog backbone");
    }

    [Theory]
    [InlineData("-o")]
    [InlineData("--data")]
    [InlineData("--workspace")]
    [InlineData("--models-dir")]
    public void Empty_path_is_a_usage_error(string option)
    {
        string[] data = option == "--data" ? [] : ["--data", MissingData];
        RunExpectingUsageError([.. data, option, ""]).Should().Be($"error: {option}: the path is empty");
    }

    [Theory]
    [InlineData("evaluate", "--data", "", "--model", "m.zip")]
    [InlineData("evaluate", "--model", "", "--data", "d")]
    [InlineData("predict", "--model", "", "a.jpg")]
    [InlineData("predict", "--crops", "", "a.jpg")]
    [InlineData("synth-masks", "--output", "", "--faces", "f")]
    public void Empty_path_of_the_other_commands_is_a_usage_error(string command, string option, string value, params string[] rest)
    {
        RunExpectingUsageError([command, option, value, .. rest]).Should().Be($"error: {option}: the path is empty");
    }

    [Fact]
    public void Help_says_what_the_validation_split_is_for_and_the_augment_bound()
    {
        var (code, stdout, _) = TrainCli.Run("--help");

        code.Should().Be(0);
        var help = string.Join(" ", stdout.Split('\n').Select(l => l.Trim()));
        help.Should().NotContain("early stopping", "nothing stops early");
        help.Should().Contain("--trainer Auto keeps the trainer with the lowest log-loss on it").And.Contain("at most 10");
    }

    [Theory]
    [InlineData("--backbone-channels", "<BGR|RGB>", "RGB")]
    [InlineData("--backbone-layout", "<NCHW|NHWC>", "NCHW")]
    public void Help_prints_a_default_as_the_values_are_spelled(string option, string values, string spelledDefault)
    {
        var (code, stdout, _) = TrainCli.Run("--help");

        code.Should().Be(0);
        // It said "<BGR|RGB> [default: Rgb]": the enum member's name, not a value one can type as shown.
        stdout.Split('\n').Should().ContainSingle(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal))
            .Which.TrimEnd().Should().Contain(values).And.EndWith($"[default: {spelledDefault}]");
    }

    [Fact]
    public void Fractions_that_leave_nothing_to_train_on_are_a_usage_error()
    {
        RunExpectingUsageError("--data", MissingData, "--validation-fraction", "0.9")
            .Should().Contain("--test-fraction").And.Contain("--validation-fraction").And.Contain("below 1");
    }

    [Theory]
    [InlineData("error: unknown option '--no-such-option' (see --help)", "--no-such-option")]
    [InlineData("error: unknown option '--test-fracton': did you mean '--test-fraction'? (see --help)", "--test-fracton", "0.3")]
    [InlineData("error: unknown option '--dat': did you mean '--data'? (see --help)", "--dat", "x")]
    public void Unknown_option_is_one_line_with_a_help_hint_and_the_option_it_looks_like(string expected, params string[] extra)
    {
        var stderr = RunExpectingUsageError(["--data", MissingData, .. extra]);

        stderr.Should().Be(expected);
    }

    [Fact]
    public void Models_dir_takes_one_folder_per_use()
    {
        // It took every word after it: the images of predict (then "Required argument missing"), a typo in train.
        var models = Directory.CreateDirectory(Path.Combine(_root, "models")).FullName;
        var (code, _, stderr) = TrainCli.Run("predict", "--model", Path.Combine(_root, "none.zip"), "--models-dir", models, "a.jpg", "b.jpg");
        code.Should().Be(1, stderr);
        stderr.Trim().Should().Be($"error: {Path.Combine(_root, "none.zip")}: model file not found (train one with ./train.sh, or pass --model)");

        RunExpectingUsageError("--data", MissingData, "--models-dir", models, "typo").Should().Contain("'typo'");
    }

    [Fact]
    public void A_models_dir_that_is_no_folder_is_one_line_before_any_work_in_every_command()
    {
        // It was searched in vain, silently: a typo in the offline folder went unnoticed (the detector app said so, training did not).
        var missing = Path.Combine(_root, "no-such-models");
        var file = Path.Combine(Directory.CreateDirectory(_root).FullName, "a-model.onnx");
        File.WriteAllText(file, "x");
        var output = Path.Combine(_root, "models-dir-out");
        string expected = $"error: --models-dir: the models folder {missing} given does not exist";

        foreach (var args in new[] { new[] { "models", "list", "--models-dir", missing }, ["predict", "--model", Path.Combine(_root, "none.zip"), "--models-dir", missing, "a.jpg"], ["--data", MissingData, "-o", output + "/", "--models-dir", missing] })
        {
            var (code, _, stderr) = TrainCli.Run(args);
            code.Should().Be(1, stderr);
            stderr.Trim().Should().Be(expected, string.Join(' ', args));
        }

        TrainCli.Run("models", "list", "--models-dir", file).Stderr.Trim()
            .Should().Be($"error: --models-dir: {file}, given as a models folder, is a file, not a folder: give the folder that holds it");
        Directory.Exists(output).Should().BeFalse("nothing is written");
    }

    [Fact]
    public void A_MASKTRAINER_MODELS_folder_that_is_no_folder_is_the_same_one_line_as_a_models_dir_one()
    {
        // A typo in the variable passed `models verify` ("All present files verified.", exit 0) and `models list` silently.
        var missing = Path.Combine(_root, "no-such-models");
        var environment = new Dictionary<string, string?> { ["MASKTRAINER_MODELS"] = missing, ["MASKTRAINER_OFFLINE"] = "1" };

        foreach (var args in new[] { new[] { "models", "verify" }, ["models", "list"] })
        {
            var (code, stdout, stderr) = TrainProcess.Run(environment, args);
            (code, stdout, stderr).Should().Be((1, "", $"error: MASKTRAINER_MODELS: the models folder {missing} given does not exist\n"), string.Join(' ', args));
        }
    }

    [Fact]
    public void Missing_value_is_one_line_with_a_help_hint()
    {
        RunExpectingUsageError("--data", MissingData, "--trainer").Should().Be("error: --trainer: missing value (see --help)");
    }

    [Theory]
    [InlineData("--styles", "surgical,paper", "'paper'", "n95")]
    [InlineData("--landmarks", "eyes", "'eyes'", "none")]
    [InlineData("--max-turn", "2", "'2'", "from 0 to 1")]
    public void Bad_synth_masks_option_is_a_usage_error(string option, string value, string shown, string valid)
    {
        RunExpectingUsageError("synth-masks", "--faces", MissingData, "--output", Workspace, option, value)
            .Should().StartWith($"error: {option}: ").And.Contain(shown).And.Contain(valid);
    }

    [Fact]
    public void Unknown_model_id_to_fetch_is_a_usage_error_listing_the_ids()
    {
        RunExpectingUsageError("models", "fetch", "nope").Should().Contain("'nope'").And.Contain("fr-expression-b3").And.Contain("res10");
    }

    /// <summary>Runs the app, checks the shape every usage error shares and returns its one stderr line.</summary>
    private string RunExpectingUsageError(params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = TrainCli.Run(args);

        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty("no help text or progress is printed");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle();
        lines[0].Should().NotContain(MissingData, "the error is about the option, found before the data folder is looked at");
        Directory.Exists(Workspace).Should().BeFalse("nothing is created before the options are checked");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the check needs no dataset scan or model");
        return lines[0];
    }
}
