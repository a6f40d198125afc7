namespace MaskTrainer.Models;

/// <summary>
/// Where <see cref="ModelStore"/> looks for model files and how it downloads them.
/// <c>new ModelStoreOptions()</c> gives the defaults below without reading the environment
/// (except for the cache location); <see cref="FromEnvironment(IEnumerable{string}?)"/> applies
/// the <c>MASKTRAINER_*</c> variables and the CLI's <c>--models-dir</c> folders.
/// </summary>
public sealed record ModelStoreOptions
{
    /// <summary>Environment variable with offline models folders, separated by <see cref="Path.PathSeparator"/>.</summary>
    public const string ModelsDirectoriesVariable = "MASKTRAINER_MODELS";

    /// <summary>Environment variable overriding <see cref="NpmRegistry"/>.</summary>
    public const string NpmRegistryVariable = "MASKTRAINER_NPM_REGISTRY";

    /// <summary>Environment variable that disables downloads when set to <c>1</c>, <c>true</c>, <c>yes</c> or <c>on</c> (another value than these or 0/false/no/off is an error).</summary>
    public const string OfflineVariable = "MASKTRAINER_OFFLINE";

    /// <summary>The public npm registry.</summary>
    public static readonly Uri DefaultNpmRegistry = new("https://registry.npmjs.org/");

    /// <summary>
    /// Where downloads are kept. Default: <c>$XDG_CACHE_HOME/masktrainer/models</c>, else
    /// <c>~/.cache/masktrainer/models</c> (on Windows: <c>%LOCALAPPDATA%\masktrainer\models</c>).
    /// </summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Offline folders searched first, by file name; a copy is used only if its SHA-256 matches.
    /// They may also hold npm tarballs under their registry file name. Default: none.
    /// </summary>
    public IReadOnlyList<string> ModelsDirectories { get; init; } = [];

    /// <summary>npm registry base URL for <see cref="NpmTarballSource"/> files. Default: https://registry.npmjs.org/.</summary>
    public Uri NpmRegistry { get; init; } = DefaultNpmRegistry;

    /// <summary>Whether missing files may be downloaded. Default: true.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>Longest wait for a server to answer a request (connect + response headers). Default: 100 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Longest wait for the next bytes of a response body before the transfer counts as stalled. Default: 30 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra attempts after a failed transfer (connection lost, timeout, HTTP 5xx); a partial download is resumed. Default: 2.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>Pause before retry <c>n</c> is <c>n × RetryDelay</c>. Default: 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>HTTP handler to use instead of a fresh <see cref="SocketsHttpHandler"/> (tests, proxies). Not disposed by the store. Default: null.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>
    /// Where downloads report when the caller passes no progress of its own, so a download deep
    /// inside a detector or backbone lookup still shows (the CLIs set a console display). Default: null (silent).
    /// </summary>
    public IProgress<DownloadProgress>? Progress { get; init; }

    /// <summary>
    /// Cancels every download the store starts, together with the caller's own token: also those
    /// started by the blocking <see cref="ModelStore.GetFilePath"/> deep inside a detector or
    /// backbone lookup, which has no token to pass (the CLI sets its Ctrl+C here). Default: none.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Defaults plus the environment: <paramref name="modelsDirectories"/> (e.g. from <c>--models-dir</c>)
    /// come first, then the folders in <c>MASKTRAINER_MODELS</c>; <c>MASKTRAINER_NPM_REGISTRY</c>
    /// replaces the registry; <c>MASKTRAINER_OFFLINE=1</c> disables downloads.
    /// </summary>
    public static ModelStoreOptions FromEnvironment(IEnumerable<string>? modelsDirectories = null) =>
        FromEnvironment(modelsDirectories, Environment.GetEnvironmentVariable);

    /// <summary>
    /// What is wrong with the models folders a command was given, in one line naming where each came
    /// from: <c>--models-dir</c> (<paramref name="modelsDirectories"/>) or <c>MASKTRAINER_MODELS</c>,
    /// under one rule (<see cref="ModelStore.FolderProblems"/>): a folder that does not exist (a typo)
    /// or a file given as one would be searched in vain, silently. Null when all are folders. Both
    /// apps check it before any work; a typo in the variable passed `models verify` and `models list`.
    /// </summary>
    public static string? FolderProblems(IEnumerable<string>? modelsDirectories) =>
        FolderProblems(modelsDirectories, Environment.GetEnvironmentVariable);

    /// <summary>Testable core of <see cref="FolderProblems(IEnumerable{string}?)"/>.</summary>
    internal static string? FolderProblems(IEnumerable<string>? modelsDirectories, Func<string, string?> environment)
    {
        var notes = new List<string>();
        if (modelsDirectories is not null && ModelStore.FolderProblems(modelsDirectories) is { } given)
        {
            notes.Add($"--models-dir: {given}");
        }

        if (ModelStore.FolderProblems(EnvironmentFolders(environment)) is { } set)
        {
            notes.Add($"{ModelsDirectoriesVariable}: {set}");
        }

        return notes.Count == 0 ? null : string.Join("; ", notes);
    }

    /// <summary>The folders <see cref="ModelsDirectoriesVariable"/> names (none when it is unset or empty).</summary>
    private static string[] EnvironmentFolders(Func<string, string?> environment) =>
        (environment(ModelsDirectoriesVariable) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Default cache folder for the given environment lookup.</summary>
    public static string DefaultCacheDirectory(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? xdg = environment("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "masktrainer", "models");
    }

    /// <summary>
    /// Words read as true in <see cref="OfflineVariable"/> (case-insensitive), and as false; one
    /// place, so "yes" does not silently mean online.
    /// </summary>
    private static readonly string[] TrueWords = ["1", "true", "yes", "on"];

    private static readonly string[] FalseWords = ["", "0", "false", "no", "off"];

    private static bool IsTrue(string variable, string? value)
    {
        if (value is null || FalseWords.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        return TrueWords.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? true
            : throw new ModelException($"{variable}='{value}' is neither on ({string.Join(", ", TrueWords)}) nor off ({string.Join(", ", FalseWords.Skip(1))})");
    }

    /// <summary>The registry URL in <see cref="NpmRegistryVariable"/>: absolute http(s), else one line naming the variable (not .NET's UriFormatException).</summary>
    private static Uri ParseRegistry(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new ModelException($"{NpmRegistryVariable}='{value}' is not an http(s) URL (e.g. {DefaultNpmRegistry})");

    /// <summary>Testable core of <see cref="FromEnvironment(IEnumerable{string}?)"/>.</summary>
    internal static ModelStoreOptions FromEnvironment(IEnumerable<string>? modelsDirectories, Func<string, string?> environment)
    {
        var folders = (modelsDirectories ?? []).ToList();
        folders.AddRange(EnvironmentFolders(environment));
        string? registry = environment(NpmRegistryVariable);
        string? offline = environment(OfflineVariable)?.Trim();
        return new ModelStoreOptions
        {
            CacheDirectory = DefaultCacheDirectory(environment),
            ModelsDirectories = folders,
            NpmRegistry = string.IsNullOrWhiteSpace(registry) ? DefaultNpmRegistry : ParseRegistry(registry.Trim()),
            AllowDownload = !IsTrue(OfflineVariable, offline),
        };
    }
}
