using System.CommandLine;
using System.CommandLine.Parsing;
using MaskTrainer.Reporting;
using MaskTrainer.Train.Commands;

namespace MaskTrainer.Train.Output;

/// <summary>
/// Reports a command line that does not parse as one line on stderr, exit code 2. Replaces
/// System.CommandLine's error action, which prints every error and then the whole help text,
/// burying the one line that matters.
/// </summary>
internal static class UsageErrors
{
    /// <summary>Exit code of a usage error (as in getopt-based tools), distinct from a failed run (1).</summary>
    public const int ExitCode = 2;

    private const string Hint = " (see --help)";

    public static int Report(ParseResult parse, TextWriter error)
    {
        // Only the first error: later ones are often knock-on effects (e.g. the value of an
        // unknown option reported as a second unknown argument).
        error.WriteLine($"error: {Describe(parse, parse.Errors[0])}");
        return ExitCode;
    }

    /// <summary>The names and aliases of the options the command and the commands above it take (--help, --version among them).</summary>
    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        for (SymbolResult? r = command; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                foreach (var option in c.Command.Options)
                {
                    yield return option.Name;
                    foreach (var alias in option.Aliases)
                    {
                        yield return alias;
                    }
                }
            }
        }
    }

    private static string Describe(ParseResult parse, ParseError first)
    {
        // The value checks in OptionRules already name the option and the valid values.
        if (first.Message.StartsWith('-'))
        {
            return first.Message;
        }

        if (parse.UnmatchedTokens.Count > 0)
        {
            // Worded as the detector app words it, with the nearest option when it looks like a typo.
            return NearestNames.Unmatched(parse.UnmatchedTokens[0], OptionNames(parse.CommandResult)) + Hint;
        }

        if (first.SymbolResult is OptionResult { Tokens.Count: 0 } option)
        {
            return option.IdentifierToken is null
                ? $"{option.Option.Name} is required{Hint}"
                : $"{OptionRules.Typed(option)}: missing value{Hint}";
        }

        // The library's sentences end with a full stop (ours do not, and need no hint).
        string message = first.Message.ReplaceLineEndings(" ").Trim();
        return message.EndsWith('.') ? message.TrimEnd('.') + Hint : message;
    }
}
