namespace MaskTrainer.Bench;

/// <summary>Finds the shared data next to the repository (../shared beside the folder holding MaskTrainer.sln).</summary>
internal static class BenchPaths
{
    public static string Shared(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", relative));
            }
        }

        return Path.GetFullPath(Path.Combine("..", "shared", relative));
    }

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/>.</summary>
    public static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static bool Flag(string[] args, string name) => Array.IndexOf(args, name) >= 0;
}
