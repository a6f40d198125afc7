using System.CommandLine;
using MaskTrainer.Data;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Model;
using MaskTrainer.Reporting;

namespace MaskTrainer.Train.Output;

/// <summary>Turns the exceptions a user can cause or fix into one-line messages and exit codes.</summary>
internal static class Errors
{
    public const int Failure = 1;
    public const int Cancelled = 130;

    public static bool IsUserFacing(Exception e) => e is DatasetException or ModelException or ModelFileException
        or ImagingException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
        or ArgumentException or OperationCanceledException or IOException;

    /// <param name="e">The exception.</param>
    /// <param name="parse">The command line, when it was parsed: a cancellation is described for the command it stopped.</param>
    public static int Report(Exception e, ParseResult? parse = null)
    {
        if (e is OperationCanceledException)
        {
            Console.Error.WriteLine(CancelledMessage(parse));
            return Cancelled;
        }

        Console.Error.WriteLine($"error: {OneLine(e.Message)}");
        return Failure;
    }

    /// <summary>
    /// predict stopped before its next image because its lines reach nobody (<see cref="GuardedWriter.NobodyReads"/>):
    /// a pipe whose reader went away (exit 141), or a stdout that cannot be written (full, closed: an error, exit 1).
    /// </summary>
    /// <param name="stdout">The guarded stdout.</param>
    /// <param name="done">Images handled before the stop.</param>
    public static int OutputGone(GuardedWriter stdout, int done) =>
        Reporting.OutputGone.Report(stdout, Console.Error, done, "image", "the results");

    /// <summary>
    /// What a Ctrl+C left behind, for the command it stopped: training overwrites nothing and keeps
    /// its feature cache; evaluate has a cache only with --workspace; predict printed (and, with
    /// --crops, wrote the crops of) the images before it; synth-masks keeps the pairs it wrote.
    /// </summary>
    internal static string CancelledMessage(ParseResult? parse)
    {
        var command = parse?.CommandResult.Command;
        switch (command?.Name)
        {
            case "evaluate":
                return "cancelled: no metrics were computed"
                       + (Value(parse!, command, "--workspace") is { } workspace ? $"; the features cached so far in {workspace} are kept for the next run" : "");
            case "predict":
                return "cancelled: the images listed above were classified, the others were not"
                       + (Value(parse!, command, "--crops") is { } crops ? $"; {crops} holds the face crops of the listed images only" : "");
            case "synth-masks":
                return $"cancelled: the pairs written so far stay in {Value(parse!, command, "--output") ?? "the output folder"}; no contact sheet was made for them";
            default:
                // train, and the root command, which trains.
                return "cancelled: nothing was overwritten; cached features are kept for the next run";
        }
    }

    // Option<string> and Option<string?> are one type at run time.
    private static string? Value(ParseResult parse, Command command, string option) =>
        command.Options.FirstOrDefault(o => o.Name == option) is Option<string> typed ? parse.GetValue(typed) : null;

    // As every human line: a file name's newline or escape sequence is shown, not obeyed (HumanText).
    private static string OneLine(string message) => Reporting.HumanText.Escape(message.Trim());
}
