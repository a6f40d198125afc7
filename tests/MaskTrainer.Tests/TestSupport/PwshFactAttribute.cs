namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// A test of the Windows scripts' PowerShell, run by PowerShell 7 (<c>pwsh</c>) where it is
/// installed (on PATH or as a .NET global tool; .ci/run installs it); skipped, saying so, elsewhere.
/// </summary>
internal sealed class PwshFactAttribute : FactAttribute
{
    public PwshFactAttribute()
    {
        Skip = Pwsh.Path is null
            ? "PowerShell 7 (pwsh) is not installed: dotnet tool install -g PowerShell --version 7.6.10 (as .ci/run does)"
            : null;
    }
}

/// <summary>Where <c>pwsh</c> is, and the repository whose scripts the tests read.</summary>
internal static class Pwsh
{
    private static readonly Lazy<string?> LazyPath = new(Find);

    /// <summary>The pwsh executable, or null when there is none.</summary>
    public static string? Path => LazyPath.Value;

    /// <summary>The repository (the folder holding MaskTrainer.sln above the test binaries).</summary>
    public static string Repository
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "MaskTrainer.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"no MaskTrainer.sln above {AppContext.BaseDirectory}");
        }
    }

    private static string? Find()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"));
        foreach (var dir in dirs)
        {
            var candidate = System.IO.Path.Combine(dir, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
