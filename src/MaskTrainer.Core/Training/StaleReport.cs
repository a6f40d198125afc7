using MaskTrainer.Reporting;

namespace MaskTrainer;

/// <summary>
/// A report an earlier run left beside the model, where a run with --no-report writes none.
/// metrics.json is replaced by every run, so a report left in place would be the one file beside
/// the new model that describes another one; ours (it carries <see cref="HtmlReportWriter.Footer"/>)
/// is removed, anything else there is the user's and is left alone.
/// </summary>
internal static class StaleReport
{
    /// <summary>Deletes <paramref name="reportPath"/> if MaskTrainer wrote it, and its folder if that leaves it empty; true when deleted.</summary>
    public static bool Remove(string reportPath)
    {
        if (!File.Exists(reportPath) || !IsOurs(reportPath))
        {
            return false;
        }

        var folder = Path.GetDirectoryName(reportPath)!;
        try
        {
            File.Delete(reportPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not ours to fight over: the run is done, and the old report stays as it was.
            return false;
        }

        try
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An empty folder left behind misleads no one.
        }

        return true;
    }

    private static bool IsOurs(string path)
    {
        try
        {
            // The footer closes the file: its last few hundred bytes are enough, however many thumbnails it holds.
            using var stream = File.OpenRead(path);
            stream.Seek(Math.Max(0, stream.Length - 512), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Contains(HtmlReportWriter.Footer, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
