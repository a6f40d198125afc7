namespace MaskTrainer.Tests.Data;

/// <summary>
/// A fact that needs real data from the shared folder (../shared next to the repository root,
/// found by walking up from the test binaries to MaskTrainer.sln). Skipped with a clear
/// message when the data is absent.
/// </summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relativePath)
    {
        if (SharedPath(relativePath) is null)
        {
            Skip = $"shared data '{relativePath}' not found (expected ../shared/{relativePath} next to the repository root)";
        }
    }

    public static string? SharedPath(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", relativePath));
                return Directory.Exists(path) || File.Exists(path) ? path : null;
            }
        }

        return null;
    }
}
