using MaskTrainer.Tests.Pipeline;

namespace MaskTrainer.Tests.Synthesis;

/// <summary>The synth-masks command, run in-process; in the pipeline collection so nothing else writes to the console meanwhile.</summary>
[Collection(PipelineCollection.Name)]
public sealed class SynthMasksCliTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mt-synth-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [SharedFact("data/faces-dlib/images")]
    public void Writes_pairs_and_prints_the_counts()
    {
        string output = Path.Combine(root, "out");
        var (code, stdout, _) = Run("synth-masks", "--faces", SynthesisFolders.FacesDlib!, "--output", output, "--styles", "surgical,n95", "--seed", "3");

        code.Should().Be(0);
        stdout.Should().MatchRegex(@"synth-masks: 12 images, \d+ faces found, \d+ pairs written");
        stdout.Should().Contain("too small").And.Contain("contact sheet:").And.Contain("surgical").And.Contain("cloth 0");
        Directory.GetFiles(Path.Combine(output, "with_mask")).Length.Should().BeGreaterThanOrEqualTo(35);
    }

    [SharedFact("data/faces-dlib/images/Tom_Cruise_avp_2014_4.jpg")]
    public void One_of_a_thing_is_said_in_the_singular()
    {
        // It said "1 image(s), 1 face(s) found, 1 pair(s) written", where the detector's lines say "1 image".
        var faces = Directory.CreateDirectory(Path.Combine(root, "h3-one-face")).FullName;
        File.Copy(SharedData.Full("data/faces-dlib/images/Tom_Cruise_avp_2014_4.jpg"), Path.Combine(faces, "tom.jpg"));

        var (code, stdout, _) = Run("synth-masks", "--faces", faces, "--output", Path.Combine(root, "h3-one-out"), "--sheet-pairs", "0");

        code.Should().Be(0);
        stdout.Should().Contain("synth-masks: 1 image, 1 face found, 1 pair written to ").And.Contain("  skipped 0 faces: ").And.Contain("; 0 images without a face, ");
        stdout.Should().NotContain("(s)");
    }

    [SharedFact("data/faces-dlib/images/Tom_Cruise_avp_2014_4.jpg")]
    public void Files_left_out_are_each_one_line_naming_the_file_once_and_are_counted_as_training_does()
    {
        // It printed "skipped DIR/cut.png: DIR/cut.png: …", and left an iPhone photo out unsaid.
        var faces = Directory.CreateDirectory(Path.Combine(root, "h2-faces")).FullName;
        File.Copy(SharedData.Full("data/faces-dlib/images/Tom_Cruise_avp_2014_4.jpg"), Path.Combine(faces, "tom.jpg"));
        File.WriteAllBytes(Path.Combine(faces, "cut.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, .. "IHDR"u8, 0, 0, 0, 8, 0, 0, 0, 8, 8, 2, 0, 0, 0]);
        File.WriteAllText(Path.Combine(faces, "IMG_0001.HEIC"), "an iPhone photo");
        File.WriteAllText(Path.Combine(faces, "notes.txt"), "notes");

        var (code, stdout, stderr) = Run("synth-masks", "--faces", faces, "--output", Path.Combine(root, "h2-out"), "--sheet-pairs", "0");

        code.Should().Be(0);
        stderr.Split('\n').Where(l => l.StartsWith("skipped ", StringComparison.Ordinal)).Should().Equal(
            $"skipped {Path.Combine(faces, "IMG_0001.HEIC")}: a HEIC/HEIF photo (an iPhone's), not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG",
            $"skipped {Path.Combine(faces, "notes.txt")}: not an image extension (.txt)",
            $"skipped {Path.Combine(faces, "cut.png")}: truncated PNG (ends inside its IHDR chunk)");
        stdout.Should().Contain("synth-masks: 2 images, 1 face found, 1 pair written to ").And.Contain("; 0 images without a face, 1 unreadable, 2 other files not an image");
    }

    [SharedFact("data/faces-dlib/images/2008_002506.jpg")]
    public void A_run_into_an_earlier_runs_output_says_what_the_folders_now_hold()
    {
        // Runs with the defaults, --masks-per-face 2 and --seed 5: the last said "N pairs written" while
        // with_mask/ held three times the files of without_mask/, which training would read.
        var faces = Directory.CreateDirectory(Path.Combine(root, "h3-faces")).FullName;
        File.Copy(SharedData.Full("data/faces-dlib/images/2008_002506.jpg"), Path.Combine(faces, "group.jpg"));
        string output = Path.Combine(root, "h3-rerun");
        string[] common = ["synth-masks", "--faces", faces, "--output", output, "--sheet-pairs", "0"];

        var first = Run(common);
        var second = Run([.. common, "--masks-per-face", "2"]);
        var third = Run([.. common, "--seed", "5"]);

        first.Code.Should().Be(0);
        first.Stderr.Should().NotContain("note:", "the folders were empty");
        foreach (var (run, masksPerFace, earlier) in new[] { (second, 2, "the first run's masked crops"), (third, 1, "the second run's two masks per face") })
        {
            run.Code.Should().Be(0);
            int with = Directory.GetFiles(Path.Combine(output, "with_mask")).Length;
            int without = Directory.GetFiles(Path.Combine(output, "without_mask")).Length;
            with.Should().BeGreaterThan(without, earlier + " are still there");
            run.Stderr.Split('\n').Should().ContainSingle(l => l.StartsWith("note: ", StringComparison.Ordinal)).Which.Should()
                .StartWith($"note: {Path.Combine(output, "with_mask")} now holds {with} images and {Path.Combine(output, "without_mask")} {without}: {with - (without * masksPerFace)} files from before this run were kept beside its pairs (e.g. ")
                .And.EndWith($"and training on {output} reads them too; empty both folders first for this run's pairs only");
        }
    }

    [SharedFact("models/MODELS.md")]
    public void Bad_arguments_and_empty_folders_are_one_line_errors()
    {
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        var (code, _, stderr) = Run("synth-masks", "--faces", Path.Combine(root, "empty"), "--output", Path.Combine(root, "out"));
        code.Should().Be(1);
        stderr.Trim().Should().StartWith("error: faces folder").And.EndWith("holds no images (.jpg .jpeg .jpe .jfif .png .bmp .webp)");

        // A bad option value is a usage error (exit 2), reported before the folder is looked at.
        (code, _, stderr) = Run("synth-masks", "--faces", Path.Combine(root, "empty"), "--output", Path.Combine(root, "out"), "--styles", "bandana");
        code.Should().Be(2);
        stderr.Trim().Should().Be("error: --styles: 'bandana' is not one of surgical, cloth, n95, patterned");
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) => TrainCli.Run(args);
}
