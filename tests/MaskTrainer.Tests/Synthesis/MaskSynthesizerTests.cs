using MaskTrainer.Data;
using MaskTrainer.Imaging;
using MaskTrainer.Models;
using OpenCvSharp;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Tests.Synthesis;

/// <summary>The synthesizer with the real default detector and BlazeFace landmarks on real photos.</summary>
public sealed class MaskSynthesizerTests : IDisposable
{
    private readonly SynthesisFolders folders = new();

    public void Dispose() => folders.Dispose();

    [SharedFact("data/faces-dlib/images")]
    public void Faces_dlib_photos_yield_at_least_35_pairs_with_matching_names_and_a_contact_sheet()
    {
        using var synthesizer = MaskSynthesizer.Create(folders.Store);
        string output = folders.Path2("out");
        var report = synthesizer.Run(SynthesisFolders.FacesDlib!, output);

        report.Images.Should().Be(12);
        report.Pairs.Should().BeGreaterThanOrEqualTo(35);
        report.FacesFound.Should().Be(report.Pairs + report.SkippedFaces);
        report.MaskedImages.Should().Be(report.Pairs);
        report.Styles.Values.Sum().Should().Be(report.Pairs);
        report.Styles.Values.Should().OnlyContain(n => n > 0, "every style is drawn on 35+ faces");
        var without = Names(Path.Combine(output, "without_mask"));
        without.Should().HaveCount(report.Pairs).And.Equal(Names(Path.Combine(output, "with_mask")));
        report.ContactSheetPath.Should().Be(Path.Combine(output, "contact-sheet.png"));
        using var sheet = ImageCodec.Read(report.ContactSheetPath!);
        sheet.Cols.Should().BeGreaterThan(500);
    }

    [SharedFact("models")]
    public void Without_res10_the_default_detector_says_which_one_finds_the_faces_instead()
    {
        // A machine that reaches only the package registries: BlazeFace and the verifier but no res10.
        var models = Directory.CreateDirectory(folders.Path2("models-without-res10")).FullName;
        foreach (var name in new[] { "face_detection_back_256x256_barracuda.onnx", "face_detection_front_128x128_barracuda.onnx", "fr_landmark.onnx" })
        {
            File.CreateSymbolicLink(Path.Combine(models, name), SharedData.Full(Path.Combine("models", name)));
        }

        using var store = new ModelStore(new ModelStoreOptions { CacheDirectory = folders.Path2("cache-without-res10"), ModelsDirectories = [models], AllowDownload = false });
        var warnings = new List<string>();

        using var synthesizer = MaskSynthesizer.Create(store, onFallback: warnings.Add);

        warnings.Should().ContainSingle().Which.Should().Contain("'cascade' needs res10").And.Contain("using blazeface-back-verified");
    }

    [SharedFact("data/faces-dlib/images")]
    public void Mask_covers_the_lower_face_and_leaves_the_forehead_alone()
    {
        using var synthesizer = MaskSynthesizer.Create(folders.Store, new MaskSynthesisOptions { FramingJitter = 0 });
        using var photo = ImageCodec.Read(Path.Combine(SynthesisFolders.FacesDlib!, "bald_guys.jpg"));
        var faces = synthesizer.Synthesize(photo, "bald_guys.jpg");
        try
        {
            var made = faces.Where(f => f.Skipped is null).ToList();
            made.Should().HaveCountGreaterThan(10);
            foreach (var face in made)
            {
                var bare = face.Without!;
                var masked = face.Masked[0];
                masked.Size().Should().Be(bare.Size());
                int rows = bare.Rows;

                // Top fifth of the crop (forehead, hair) untouched; the band from the mouth
                // landmark down changed a lot.
                MeanAbsDifference(bare, masked, 0, rows / 5, 0, bare.Cols).Should().BeLessThan(1.0);
                var mouthY = face.Landmarks!.Mouth.Y;
                var region = global::MaskTrainer.Faces.FaceCropper.Region(face.Box, synthesizer.Options.Crop);
                double scale = (double)rows / region.Height;
                int mouthRow = (int)((mouthY - region.Y) * scale);
                MeanAbsDifference(bare, masked, mouthRow - (rows / 20), mouthRow + (rows / 20), bare.Cols * 3 / 10, bare.Cols * 7 / 10).Should().BeGreaterThan(12);
            }
        }
        finally
        {
            foreach (var f in faces)
            {
                f.Dispose();
            }
        }
    }

    [SharedFact("data/faces-dlib/images")]
    public void Same_seed_writes_identical_files_another_seed_other_masks()
    {
        string faces = folders.CopyFaces("faces", "bald_guys.jpg", "2008_002506.jpg");
        using var synthesizer = MaskSynthesizer.Create(folders.Store, new MaskSynthesisOptions { Seed = 5 });
        using var other = MaskSynthesizer.Create(folders.Store, new MaskSynthesisOptions { Seed = 6 });
        var a = synthesizer.Run(faces, folders.Path2("a"));
        synthesizer.Run(faces, folders.Path2("b"));
        other.Run(faces, folders.Path2("c"));

        a.Pairs.Should().BeGreaterThan(5);
        var names = Names(folders.Path2("a/with_mask"));
        int differ = 0;
        foreach (var name in names)
        {
            File.ReadAllBytes(folders.Path2("a/with_mask/" + name)).Should().Equal(File.ReadAllBytes(folders.Path2("b/with_mask/" + name)), name);
            differ += File.ReadAllBytes(folders.Path2("a/with_mask/" + name)).SequenceEqual(File.ReadAllBytes(folders.Path2("c/with_mask/" + name))) ? 0 : 1;
        }

        differ.Should().Be(names.Count);
        File.ReadAllBytes(folders.Path2("a/contact-sheet.png")).Should().Equal(File.ReadAllBytes(folders.Path2("b/contact-sheet.png")));
    }

    [SharedFact("data/faces-dlib/images")]
    public void An_earlier_runs_files_that_are_not_written_again_are_kept_and_reported()
    {
        string faces = folders.CopyFaces("faces", "bald_guys.jpg");
        string output = folders.Path2("out");
        using var one = MaskSynthesizer.Create(folders.Store, new MaskSynthesisOptions { Seed = 5 });
        using var two = MaskSynthesizer.Create(folders.Store, new MaskSynthesisOptions { Seed = 5, MasksPerFace = 2 });
        var first = one.Run(faces, output);
        File.WriteAllText(Path.Combine(output, "with_mask", "notes.txt"), "not an image: not reported");

        var again = one.Run(faces, output);
        var second = two.Run(faces, output);

        first.EarlierFiles.Should().BeEmpty();
        again.EarlierFiles.Should().BeEmpty("the same run writes the same names again");
        // With two masks a face's masked copies are NAME_m1.jpg and NAME_m2.jpg: the earlier NAME.jpg is left.
        second.EarlierFiles.Should().HaveCount(first.Pairs).And.OnlyContain(f => Path.GetFileName(Path.GetDirectoryName(f)) == "with_mask" && !Path.GetFileName(f).Contains("_m"));
        second.EarlierFiles.Should().OnlyContain(f => File.Exists(f), "a user's files are never deleted");
    }

    [SharedFact("data/faces-dlib/images")]
    public void A_users_file_with_a_name_the_run_writes_is_kept_and_the_pair_named_otherwise()
    {
        string faces = folders.CopyFaces("faces", "bald_guys.jpg");
        string output = folders.Path2("out");
        using var synthesizer = MaskSynthesizer.Create(folders.Store, new MaskSynthesisOptions { Seed = 5 });
        var first = synthesizer.Run(faces, output);
        var name = Names(folders.Path2("out/with_mask"))[0];
        // The user's own photo put in place of one pair's masked file (a real photo, no synth-masks mark).
        var mine = Path.Combine(output, "with_mask", name);
        File.Copy(SharedData.Full("data/faces-dlib/images/2008_002506.jpg"), mine, overwrite: true);
        var myBytes = File.ReadAllBytes(mine);

        var again = synthesizer.Run(faces, output);

        File.ReadAllBytes(mine).Should().Equal(myBytes, "a user's file is never replaced");
        again.UserFilesKept.Should().Be(1);
        again.Pairs.Should().Be(first.Pairs);
        var stem = Path.GetFileNameWithoutExtension(name);
        File.Exists(Path.Combine(output, "with_mask", stem + "_2.jpg")).Should().BeTrue();
        File.Exists(Path.Combine(output, "without_mask", stem + "_2.jpg")).Should().BeTrue("the pair keeps one name in both folders");
        // Every other name was this tool's own output, written again: no other new names.
        Names(folders.Path2("out/with_mask")).Should().HaveCount(first.Pairs + 1);
        MaskSynthesizer.IsOwnOutput(Path.Combine(output, "with_mask", stem + "_2.jpg")).Should().BeTrue();
        MaskSynthesizer.IsOwnOutput(mine).Should().BeFalse();
        using var decoded = Cv2.ImRead(Path.Combine(output, "with_mask", stem + "_2.jpg"));
        decoded.Empty().Should().BeFalse("the comment leaves a JPEG any decoder reads");
    }

    [SharedFact("data/faces-dlib/images")]
    public void Faces_failing_the_screening_are_counted_not_written()
    {
        string faces = folders.CopyFaces("faces", "bald_guys.jpg");
        using var strict = MaskSynthesizer.Create(folders.Store, new MaskSynthesisOptions { Screening = new FaceScreeningOptions { MinEyeDistance = 10_000 } });
        var report = strict.Run(faces, folders.Path2("out"));

        report.FacesFound.Should().BeGreaterThan(10);
        report.Pairs.Should().Be(0);
        report.Skipped[SkipReason.TooSmall].Should().Be(report.FacesFound);
        report.ContactSheetPath.Should().BeNull();
        Directory.GetFiles(folders.Path2("out/with_mask")).Should().BeEmpty();

        using var noLandmarks = MaskSynthesizer.Create(folders.Store, detectorId: "res10", landmarkDetectorId: null);
        var bare = noLandmarks.Run(faces, folders.Path2("out2"));
        bare.Skipped[SkipReason.NoLandmarks].Should().Be(bare.FacesFound).And.BeGreaterThan(0);
    }

    [SharedFact("models/MODELS.md")]
    public void Faceless_folder_gives_no_pairs_and_counts_images_and_unreadable_files()
    {
        string faces = folders.Path2("faceless");
        Directory.CreateDirectory(faces);
        using (var grey = new Mat(240, 320, MatType.CV_8UC3, new Scalar(128, 128, 128)))
        {
            ImageCodec.Write(Path.Combine(faces, "grey.png"), grey);
        }

        using (var gradient = new Mat(200, 200, MatType.CV_8UC3, Scalar.All(0)))
        {
            var bytes = gradient.GetBytes();
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)(i / 3 % 200);
            }

            ImageCodec.Write(Path.Combine(faces, "gradient.jpg"), gradient);
        }

        File.WriteAllText(Path.Combine(faces, "broken.jpg"), "not a jpeg");
        using var synthesizer = MaskSynthesizer.Create(folders.Store);
        var report = synthesizer.Run(faces, folders.Path2("out"));

        report.Images.Should().Be(3);
        report.Unreadable.Should().ContainSingle().Which.Path.Should().EndWith("broken.jpg");
        report.ImagesWithoutFaces.Should().Be(2);
        report.Pairs.Should().Be(0);
        report.ContactSheetPath.Should().BeNull();
    }

    [SharedFact("models/MODELS.md")]
    public void A_named_pipe_among_the_faces_is_listed_unreadable_not_opened()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // named pipes are told apart by statx(2), on Linux only
        }

        string faces = folders.Path2("with-pipe");
        Directory.CreateDirectory(faces);
        using (var grey = new Mat(240, 320, MatType.CV_8UC3, new Scalar(128, 128, 128)))
        {
            ImageCodec.Write(Path.Combine(faces, "grey.png"), grey);
        }

        var pipe = NamedPipe.Create(Path.Combine(faces, "pipe.jpg"));
        using var synthesizer = MaskSynthesizer.Create(folders.Store);

        var report = NamedPipe.Within(pipe, () => synthesizer.Run(faces, folders.Path2("out")));

        report.Images.Should().Be(2);
        report.Unreadable.Should().ContainSingle().Which.Should().Be(new MaskTrainer.Data.SkippedItem(pipe, "a named pipe (FIFO), not a regular file"));
        report.ImagesWithoutFaces.Should().Be(1);
    }

    [SharedFact("models/MODELS.md")]
    public void Empty_or_missing_faces_folder_is_a_clear_error()
    {
        string empty = folders.Path2("empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no images here");
        using var synthesizer = MaskSynthesizer.Create(folders.Store);

        var act = () => synthesizer.Run(empty, folders.Path2("out"));
        act.Should().Throw<DatasetException>().WithMessage("*empty*holds no images*");
        var missing = () => synthesizer.Run(folders.Path2("nope"), folders.Path2("out"));
        missing.Should().Throw<DirectoryNotFoundException>().WithMessage("*nope*does not exist*");
        Directory.Exists(folders.Path2("out")).Should().BeFalse();
    }

    private static List<string> Names(string dir) =>
        Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).OrderBy(n => n, StringComparer.Ordinal).ToList();

    private static double MeanAbsDifference(Mat a, Mat b, int fromRow, int toRow, int fromCol, int toCol)
    {
        fromRow = Math.Clamp(fromRow, 0, a.Rows - 1);
        toRow = Math.Clamp(toRow, fromRow + 1, a.Rows);
        var x = a.GetBytes();
        var y = b.GetBytes();
        int stride = a.Cols * 3;
        long sum = 0;
        for (int r = fromRow; r < toRow; r++)
        {
            for (int i = (r * stride) + (fromCol * 3); i < (r * stride) + (toCol * 3); i++)
            {
                sum += Math.Abs(x[i] - y[i]);
            }
        }

        return (double)sum / ((toRow - fromRow) * (toCol - fromCol) * 3);
    }
}
