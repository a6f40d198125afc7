using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using MaskTrainer.Tests.Pipeline;

namespace MaskTrainer.Tests.Model;

/// <summary>
/// An ML.NET user's program, built here from source, that references only Microsoft.ML packages
/// (not MaskTrainer), loads our zip with <c>new MLContext().Model.Load</c> and predicts the same
/// scores as <c>predict</c> for the same face crops.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ForeignProgramTests(TrainedModelFixture fixture) : IDisposable
{
    private readonly ZipTempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SharedFact("data/mask-sample", "data/faces-dlib", "models")]
    public void A_program_with_only_MLNET_packages_loads_the_zip_and_predicts_the_CLIs_scores()
    {
        var photo = SharedData.Full("data/faces-dlib/images/2008_002506.jpg");
        var crops = _folder.Folder("crops");
        var (code, stdout, stderr) = TrainCli.Run("predict", "--model", fixture.Run!.ModelPath, "--json", "--crops", crops, photo);
        code.Should().Be(0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var faces = json.RootElement.GetProperty("faces").EnumerateArray().ToArray();
        faces.Should().HaveCountGreaterThanOrEqualTo(2, "the photo shows three people");

        var program = BuildForeignProgram();
        var cropFiles = Enumerable.Range(1, faces.Length).Select(i => Path.Combine(crops, $"2008_002506_face{i}.png")).ToArray();
        var lines = RunDotnet([program, fixture.Run.ModelPath, .. cropFiles]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Should().HaveCount(faces.Length);
        for (int i = 0; i < faces.Length; i++)
        {
            var fields = lines[i].Split('\t');
            fields[1].Should().Be(faces[i].GetProperty("label").GetString());
            var scores = fields[2].Split(',').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var cli = faces[i].GetProperty("scores");
            scores[0].Should().BeApproximately(cli.GetProperty("with_mask").GetSingle(), 1e-4f);
            scores[1].Should().BeApproximately(cli.GetProperty("without_mask").GetSingle(), 1e-4f);
        }
    }

    private string BuildForeignProgram()
    {
        var project = _folder.Folder("foreign");
        var versions = XDocument.Load(Path.Combine(RepoRoot(), "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        string Ref(string id) => $"""    <PackageReference Include="{id}" Version="{versions[id]}" />""";
        File.WriteAllText(Path.Combine(project, "Foreign.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {Ref("Microsoft.ML")}
            {Ref("Microsoft.ML.ImageAnalytics")}
            {Ref("Microsoft.ML.OnnxTransformer")}
            {Ref("Microsoft.ML.OnnxRuntime")}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using System.Globalization;
            using Microsoft.ML;
            using Microsoft.ML.Data;
            using Microsoft.ML.Transforms.Image;

            var ml = new MLContext();
            var model = ml.Model.Load(args[0], out _);
            var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
            foreach (var path in args.Skip(1))
            {
                using var image = MLImage.CreateFromFile(path);
                var output = engine.Predict(new Input { Image = image });
                Console.WriteLine($"{path}\t{output.PredictedLabel}\t{string.Join(",", output.Score.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))}");
            }

            class Input
            {
                public string Label { get; set; } = "";

                [ImageType(224, 224)]
                public MLImage? Image { get; set; }
            }

            class Output
            {
                public string PredictedLabel { get; set; } = "";

                public float[] Score { get; set; } = [];
            }
            """);
        RunDotnet(["build", project, "-c", "Release", "-nologo", "-v", "q", "-o", Path.Combine(project, "out")]);
        return Path.Combine(project, "out", "Foreign.dll");
    }

    private static string RunDotnet(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(TimeSpan.FromMinutes(5)).Should().BeTrue("dotnet " + string.Join(' ', args) + " finishes");
        process.ExitCode.Should().Be(0, $"dotnet {string.Join(' ', args)}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Directory.Packages.props not found above " + AppContext.BaseDirectory);
    }
}
