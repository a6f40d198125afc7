using MaskTrainer.Data;
using MaskTrainer.Models;
using MaskTrainer.Imaging;
using OpenCvSharp;
using MaskTrainer.Model;

namespace MaskTrainer.Train.Output;

/// <summary>Turns the exceptions a user can cause or fix into one-line messages and exit codes.</summary>
internal static class Errors
{
    public const int Failure = 1;
    public const int Cancelled = 130;

    public static bool IsUserFacing(Exception e) => e is DatasetException or ModelException or ModelFileException
        or ImagingException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
        or ArgumentException or OperationCanceledException or IOException;

    public static int Report(Exception e)
    {
        if (e is OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled: nothing was overwritten; cached features are kept for the next run");
            return Cancelled;
        }

        Console.Error.WriteLine($"error: {OneLine(e.Message)}");
        return Failure;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
