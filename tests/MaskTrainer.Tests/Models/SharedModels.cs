namespace MaskTrainer.Tests.Models;

/// <summary>Locates the offline model copies: <c>../shared/models</c> next to the folder holding MaskTrainer.sln.</summary>
internal static class SharedModels
{
    /// <summary>The shared models folder, or null when this checkout has none.</summary>
    public static string? Directory { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                string models = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models"));
                return System.IO.Directory.Exists(models) ? models : null;
            }
        }

        return null;
    }
}
