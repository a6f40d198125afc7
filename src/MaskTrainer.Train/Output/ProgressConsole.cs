using Spectre.Console;

namespace MaskTrainer.Train.Output;

/// <summary>
/// The one decision how progress is shown. Progress goes to stderr (stdout stays for results and
/// --json), so it is drawn live only when stderr is a terminal; otherwise (piped, redirected to a
/// log) it is a few plain lines without ANSI codes.
/// </summary>
internal static class ProgressConsole
{
    /// <summary>True when stderr is a terminal: redraw progress in place.</summary>
    public static bool IsLive => !Console.IsErrorRedirected;

    /// <summary>
    /// A Spectre console on <paramref name="writer"/> with ANSI and live rendering on: the choice was
    /// made by <see cref="IsLive"/>, so Spectre's own detection (which looks at stdout) must not overrule it.
    /// </summary>
    public static IAnsiConsole Live(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.Yes,
        Interactive = InteractionSupport.Yes,
        ColorSystem = ColorSystemSupport.Detect,
    });
}
