namespace MaskTrainer.Tests.TestSupport;

/// <summary>
/// The one locator of the shared test data and models: <c>../shared</c> beside the repository
/// (found by walking up from the test binaries to the folder holding MaskTrainer.sln), or the
/// folder named by <c>MASKTRAINER_SHARED</c> when that is set. Tests that need it skip through
/// <see cref="SharedFactAttribute"/> / <see cref="SharedTheoryAttribute"/> with <see cref="SkipReason"/>.
/// </summary>
internal static class SharedData
{
    /// <summary>Overrides where the shared folder is (e.g. a missing folder, to see the tests skip).</summary>
    public const string EnvironmentVariable = "MASKTRAINER_SHARED";

    private static readonly Lazy<string> LazyExpected = new(FindExpected);

    /// <summary>Where the shared folder should be (absolute), whether or not it exists.</summary>
    public static string Expected => LazyExpected.Value;

    /// <summary>The shared folder, or null when this checkout has none.</summary>
    public static string? Root => Directory.Exists(Expected) ? Expected : null;

    /// <summary>The shared models folder, or null when absent.</summary>
    public static string? Models => Path("models");

    /// <summary>
    /// <paramref name="relative"/> (a file or folder under the shared folder, e.g. "data/mask-sample")
    /// as an absolute path, or null when it does not exist.
    /// </summary>
    public static string? Path(string relative)
    {
        var path = Full(relative);
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    /// <summary>The absolute path <paramref name="relative"/> has under the shared folder, whether or not it exists.</summary>
    public static string Full(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Expected, relative));

    /// <summary>Why a test needing <paramref name="relative"/> paths cannot run (naming the first missing one), or null when all exist.</summary>
    public static string? SkipReason(params string[] relative)
    {
        if (Root is null)
        {
            return $"shared test data not found: {Expected} ({Hint})";
        }

        foreach (var item in relative)
        {
            if (Path(item) is null)
            {
                return $"shared test data missing: {Full(item)} ({Hint})";
            }
        }

        return null;
    }

    private static string Hint =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 }
            ? $"from {EnvironmentVariable}"
            : $"expected ../shared beside the repository, or set {EnvironmentVariable}";

    private static string FindExpected()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } overridden)
        {
            return System.IO.Path.GetFullPath(overridden);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MaskTrainer.sln")))
            {
                return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared"));
            }
        }

        // No repository above the binaries: fall back to ../shared from the working directory.
        return System.IO.Path.GetFullPath(System.IO.Path.Combine("..", "shared"));
    }
}
