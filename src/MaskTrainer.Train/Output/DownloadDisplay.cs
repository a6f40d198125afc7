using MaskTrainer.Models;

namespace MaskTrainer.Train.Output;

/// <summary>Chooses how model downloads are shown: a live bar on a terminal, plain lines otherwise.</summary>
internal static class DownloadDisplay
{
    /// <summary>The display for this process's stderr, as <see cref="ProgressConsole.IsLive"/> decides.</summary>
    public static IProgress<DownloadProgress> ForStderr() => Create(ProgressConsole.IsLive, Console.Error);

    /// <summary>A live Spectre bar on <paramref name="writer"/> when <paramref name="live"/>, else plain lines.</summary>
    public static IProgress<DownloadProgress> Create(bool live, TextWriter writer) =>
        live ? new LiveDownloadBar(ProgressConsole.Live(writer)) : new PlainDownloadLines(writer);

    /// <summary>
    /// The store every command uses: the environment's folders and settings, with downloads shown on
    /// stderr (also those started deep inside detector and backbone lookups), all of them cancelled
    /// by <paramref name="cancellation"/> (the command's Ctrl+C).
    /// </summary>
    /// <exception cref="ArgumentException">A --models-dir or MASKTRAINER_MODELS folder is not a folder (a typo, or a model
    /// file given as one), which the store would search in vain, silently: said up front, in the store's words, as the
    /// detector app does (<see cref="ModelStoreOptions.FolderProblems(IEnumerable{string}?)"/>).</exception>
    public static ModelStore OpenStore(IEnumerable<string>? modelsDirectories, CancellationToken cancellation = default)
    {
        if (ModelStoreOptions.FolderProblems(modelsDirectories) is { } problems)
        {
            throw new ArgumentException(problems);
        }

        return new(ModelStoreOptions.FromEnvironment(modelsDirectories) with { Progress = ForStderr(), Cancellation = cancellation });
    }
}
