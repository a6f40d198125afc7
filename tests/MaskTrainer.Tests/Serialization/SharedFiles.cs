namespace MaskTrainer.Tests.Serialization;

/// <summary>Locates /work/shared-style data next to the repository (../shared from the folder holding MaskTrainer.sln).</summary>
internal static class SharedFiles
{
    public static string? Model(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models", fileName));
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }
}
