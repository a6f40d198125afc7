using System.CommandLine;
using System.Globalization;
using MaskTrainer.Models;
using MaskTrainer.Reporting;
using MaskTrainer.Train.Output;
using MaskTrainer.Synthesis;

namespace MaskTrainer.Train.Commands;

/// <summary>
/// `synth-masks --faces DIR --output DIR`: a bare crop of every usable face to
/// OUTPUT/without_mask/, the same face with a drawn mask to OUTPUT/with_mask/, and a contact sheet.
/// </summary>
internal static class SynthMasksCommand
{
    public static Command Create()
    {
        var defaults = new MaskSynthesisOptions();
        var screening = defaults.Screening;
        var faces = new Option<string>("--faces") { Description = "Folder of photos with bare faces (searched recursively)", Required = true }.NotEmptyPath();
        var output = new Option<string>("--output", "-o") { Description = "Folder to write without_mask/, with_mask/ and contact-sheet.png into", Required = true }.NotEmptyPath();
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice (same seed and photos, same masks)", DefaultValueFactory = _ => defaults.Seed }.Number(_ => true, $"a whole number from {int.MinValue} to {int.MaxValue}");
        var styles = new Option<string>("--styles") { Description = "Comma-separated mask styles: surgical, cloth, n95, patterned", DefaultValueFactory = _ => "surgical,cloth,n95,patterned" }.Check(v => OptionRules.Rejection(() => ParseStyles(v)));
        var perFace = new Option<int>("--masks-per-face") { Description = "Masked versions written per face, each with its own mask", DefaultValueFactory = _ => defaults.MasksPerFace }.AtLeast(1);
        var detector = new Option<string>("--detector") { Description = $"Face detector: {string.Join(", ", Faces.FaceDetectors.Ids)}", DefaultValueFactory = _ => Faces.FaceDetectors.DefaultId }.Check(v => ModelChoices.DetectorProblem(v));
        var landmarks = new Option<string>("--landmarks") { Description = "Detector giving eye/nose/mouth/ear landmarks when --detector has none; 'none' to skip such faces", DefaultValueFactory = _ => MaskSynthesizer.DefaultLandmarkDetectorId }.Check(v => ModelChoices.DetectorProblem(v, "none"));
        var minEyes = new Option<double>("--min-eye-distance") { Description = "Skip faces whose eyes are closer than this many pixels", DefaultValueFactory = _ => screening.MinEyeDistance }.AtLeast(0.0);
        var maxTurn = new Option<double>("--max-turn") { Description = "Skip faces turned further than this (0 frontal .. 1 profile)", DefaultValueFactory = _ => screening.MaxTurn }.Fraction(allowOne: true);
        var minFaceInside = new Option<double>("--min-face-inside") { Description = "Skip faces with less than this fraction of the face box inside the photo", DefaultValueFactory = _ => screening.MinFaceInside }.Fraction(allowOne: true);
        var minMaskInside = new Option<double>("--min-mask-inside") { Description = "Skip faces with less than this fraction of the mask inside the photo", DefaultValueFactory = _ => screening.MinMaskInside }.Fraction(allowOne: true);
        var sheetPairs = new Option<int>("--sheet-pairs") { Description = "Pairs shown on the contact sheet (0 = no sheet)", DefaultValueFactory = _ => defaults.ContactSheet.MaxPairs }.AtLeast(0);
        var modelsDir = ModelChoices.ModelsDirOption();
        var command = new Command("synth-masks", "Make with_mask/without_mask training pairs by drawing masks on bare faces")
        {
            faces, output, seed, styles, perFace, detector, landmarks, minEyes, maxTurn, minFaceInside, minMaskInside, sheetPairs, modelsDir,
        };
        command.SetAction((r, ct) =>
        {
            var options = new MaskSynthesisOptions
            {
                Seed = r.GetValue(seed),
                Styles = ParseStyles(r.GetValue(styles)!),
                MasksPerFace = r.GetValue(perFace),
                Screening = screening with { MinEyeDistance = r.GetValue(minEyes), MaxTurn = r.GetValue(maxTurn), MinFaceInside = r.GetValue(minFaceInside), MinMaskInside = r.GetValue(minMaskInside) },
                ContactSheet = defaults.ContactSheet with { MaxPairs = r.GetValue(sheetPairs) },
            };
            string? landmarkId = r.GetValue(landmarks) is "none" or "" ? null : r.GetValue(landmarks);
            OutputFolders.CheckNotFile("--faces", r.GetValue(faces)!, "--faces names a folder of photos");
            OutputFolders.CheckCanCreate(OptionRules.Typed(r.GetResult(output)!), r.GetValue(output)!, "--output names the folder to write with_mask/ and without_mask/ into");
            if (Data.FilePaths.Same(r.GetValue(faces)!, r.GetValue(output)!))
            {
                throw new ArgumentException($"--output: '{r.GetValue(output)}' is the --faces folder; write the pairs to another folder");
            }

            using var store = DownloadDisplay.OpenStore(r.GetValue(modelsDir), ct);
            // As training says it: the pairs are made from the faces another detector found.
            using var synthesizer = MaskSynthesizer.Create(store, options, r.GetValue(detector), landmarkId, onFallback: m => Console.Error.WriteLine($"warning: {m}"));
            var progress = new Progress(!ProgressConsole.IsLive);
            var report = synthesizer.Run(r.GetValue(faces)!, r.GetValue(output)!, progress, ct);
            progress.Done();
            Print(report, r.GetValue(output)!);
            return Task.FromResult(report.Pairs > 0 ? 0 : 1);
        });
        return command;
    }

    /// <summary>Prints what a synthesis run did (also used by `train` for the starter set).</summary>
    public static void Print(MaskSynthesisReport report, string output)
    {
        // Each file left out, in training's words: the files set aside by their extension, then those that did not decode.
        foreach (var u in report.NotImages.Concat(report.Unreadable))
        {
            Console.Error.WriteLine($"skipped {HumanText.Escape(u.Path)}: {HumanText.Escape(u.Reason)}");
        }

        var s = report.Skipped;
        Console.WriteLine(Invariant($"synth-masks: {Plural.Of(report.Images, "image")}, {Plural.Of(report.FacesFound, "face")} found, {Plural.Of(report.Pairs, "pair")} written to {Path.Combine(output, MaskSynthesizer.WithoutMaskFolder)} and {Path.Combine(output, MaskSynthesizer.WithMaskFolder)}"));
        Console.WriteLine(Invariant($"  skipped {Plural.Of(report.SkippedFaces, "face")}: too small {s[SkipReason.TooSmall]}, too turned {s[SkipReason.TooTurned]}, cut by border {s[SkipReason.CutByBorder]}, no landmarks {s[SkipReason.NoLandmarks]}; {Plural.Of(report.ImagesWithoutFaces, "image")} without a face, {report.Unreadable.Count} unreadable, {Plural.Of(report.NotImages.Count, "other file")} not an image"));
        Console.WriteLine("  styles: " + string.Join(", ", report.Styles.Select(p => Invariant($"{p.Key.ToString().ToLowerInvariant()} {p.Value}"))));
        if (report.ContactSheetPath is not null)
        {
            Console.WriteLine($"  contact sheet: {report.ContactSheetPath}");
        }

        if (report.EarlierFiles.Count > 0)
        {
            // The counts of the folders, not only of the files kept: "56 pairs written" above, while
            // with_mask/ held 168 images against 56 in without_mask/, is what training would read.
            int earlier = report.EarlierFiles.Count;
            Console.Error.WriteLine($"note: {Path.Combine(output, MaskSynthesizer.WithMaskFolder)} now holds {Plural.Of(report.WithMaskImages, "image")} and {Path.Combine(output, MaskSynthesizer.WithoutMaskFolder)} {report.WithoutMaskImages}: "
                                    + $"{Plural.Of(earlier, "file")} from before this run {(earlier == 1 ? "was" : "were")} kept beside its pairs (e.g. {report.EarlierFiles[0]}), and training on {output} reads them too; empty both folders first for this run's pairs only");
        }

        if (report.UserFilesKept > 0)
        {
            Console.Error.WriteLine($"note: {Plural.Of(report.UserFilesKept, "pair")} {(report.UserFilesKept == 1 ? "was" : "were")} written under another name (NAME_2.jpg, ...): a file of yours had the name, and it is kept as it was");
        }

        if (report.Pairs == 0)
        {
            Console.Error.WriteLine("no face pairs written: no usable face was found (see the skip counts above)");
        }
    }

    private static IReadOnlyList<MaskStyle> ParseStyles(string text)
    {
        var result = new List<MaskStyle>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<MaskStyle>(part, ignoreCase: true, out var style) || !Enum.IsDefined(style))
            {
                throw new ArgumentException($"'{part}' is not one of surgical, cloth, n95, patterned");
            }

            if (!result.Contains(style))
            {
                result.Add(style);
            }
        }

        return result.Count > 0 ? result : throw new ArgumentException("name at least one of surgical, cloth, n95, patterned");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>One progress line, redrawn in place on a terminal; silent when stderr is redirected.</summary>
    private sealed class Progress(bool redirected) : IProgress<(int Done, int Total)>
    {
        private bool shown;

        public void Report((int Done, int Total) value)
        {
            if (redirected)
            {
                return;
            }

            Console.Error.Write($"\rsynth-masks: {value.Done}/{Plural.Of(value.Total, "image")}");
            shown = true;
        }

        public void Done()
        {
            if (shown)
            {
                Console.Error.WriteLine();
            }
        }
    }
}
