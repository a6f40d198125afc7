using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace MaskTrainer.Train.Commands;

/// <summary>
/// Parse-time checks for option values. They run while System.CommandLine parses, so a bad value
/// is reported (by <see cref="Output.UsageErrors"/>) before any data folder is scanned or hashed.
/// Every message starts with the option as typed, which is how UsageErrors tells them from the
/// library's own messages.
/// </summary>
internal static class OptionRules
{
    /// <summary>The option as the user typed it (an alias such as -o included), else its name.</summary>
    public static string Typed(OptionResult result) => result.IdentifierToken?.Value ?? result.Option.Name;

    /// <summary>Accepts the enum's member names (any case) and lists them when the value is none of them.</summary>
    public static Option<T> OneOfEnum<T>(this Option<T> option) where T : struct, Enum =>
        option.OneOf(Enum.GetValues<T>().Select(v => (v.ToString(), v)).ToArray());

    /// <summary>Accepts the given spellings (any case) and maps each to its value.</summary>
    public static Option<T> OneOf<T>(this Option<T> option, params (string Name, T Value)[] choices)
    {
        string valid = string.Join(", ", choices.Select(c => c.Name));
        option.CustomParser = r =>
        {
            string text = Text(r);
            foreach (var (name, value) in choices)
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            r.AddError($"{Typed(r)}: '{text}' is not one of {valid}");
            return default;
        };
        // Help lists the completions; replace the enum's own so each value shows once, as spelled here.
        option.CompletionSources.Clear();
        option.CompletionSources.Add(choices.Select(c => c.Name).ToArray());
        return option;
    }

    /// <summary>
    /// An option taking one of <paramref name="choices"/> (any case), <paramref name="defaultValue"/>
    /// when absent. Its values are <see cref="Spelled{T}"/>, so help prints the default as the choices
    /// are spelled: with the enum itself it printed the member name (<c>&lt;BGR|RGB&gt; [default: Rgb]</c>).
    /// </summary>
    public static Option<Spelled<T>> Choice<T>(string name, string description, T defaultValue, params (string Name, T Value)[] choices)
    {
        var spelled = choices.Select(c => (c.Name, new Spelled<T>(c.Name, c.Value))).ToArray();
        var fallback = spelled.Single(c => EqualityComparer<T>.Default.Equals(c.Item2.Value, defaultValue)).Item2;
        return new Option<Spelled<T>>(name) { Description = description, DefaultValueFactory = _ => fallback }.OneOf(spelled);
    }

    /// <summary>A number (invariant culture) for which <paramref name="ok"/> holds; <paramref name="rule"/> says which, e.g. "a number >= 0 and &lt; 1".</summary>
    public static Option<T> Number<T>(this Option<T> option, Func<T, bool> ok, string rule) where T : INumber<T>
    {
        option.CustomParser = r =>
        {
            string text = Text(r);
            if (T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && ok(value))
            {
                return value;
            }

            r.AddError($"{Typed(r)}: '{text}' is not {rule}");
            return default;
        };
        return option;
    }

    // The rule names the top of the range too: ">= 1" for '99999999999' (beyond an int) read as if the value were too small.
    public static Option<int> AtLeast(this Option<int> option, int min) =>
        option.Number(v => v >= min, $"a whole number from {min} to {int.MaxValue}");

    public static Option<int> Between(this Option<int> option, int min, int max) =>
        option.Number(v => v >= min && v <= max, $"a whole number from {min} to {max}");

    /// <summary>An optional whole number from <paramref name="min"/> to int.MaxValue (absent = null, e.g. "use the model's value").</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int min)
    {
        option.CustomParser = r =>
        {
            string text = Text(r);
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min)
            {
                return value;
            }

            r.AddError($"{Typed(r)}: '{text}' is not a whole number from {min} to {int.MaxValue}");
            return null;
        };
        return option;
    }

    public static Option<double> AtLeast(this Option<double> option, double min) =>
        option.Number(v => v >= min && double.IsFinite(v), Invariant($"a number >= {min}"));

    /// <summary>A share of something: 0..1, 0 and 1 themselves allowed or not.</summary>
    public static Option<double> Fraction(this Option<double> option, bool allowOne, bool allowZero = true) =>
        (allowZero, allowOne) switch
        {
            (true, true) => option.Number(v => v is >= 0 and <= 1, "a number from 0 to 1"),
            (true, false) => option.Number(v => v is >= 0 and < 1, "a number >= 0 and < 1"),
            (false, true) => option.Number(v => v is > 0 and <= 1, "a number > 0 and <= 1"),
            (false, false) => option.Number(v => v is > 0 and < 1, "a number > 0 and < 1"),
        };

    /// <summary>A file or folder path: refused when empty or blank (which no file system accepts).</summary>
    public static Option<T> NotEmptyPath<T>(this Option<T> option) =>
        option.Check(v => string.IsNullOrWhiteSpace(v) ? "the path is empty" : null);

    /// <summary>
    /// Paths, one per use of the option (<c>--models-dir A --models-dir B</c>): each refused when empty
    /// or blank, as <see cref="NotEmptyPath{T}"/> refuses one (<c>--models-dir ""</c> was searched as a
    /// folder that "does not exist", exit 1, where <c>--workspace ""</c> is this usage error).
    /// </summary>
    public static Option<string[]> NotEmptyPaths(this Option<string[]> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
            {
                r.AddError($"{Typed(r)}: the path is empty");
            }
        });
        return option;
    }

    /// <summary>A string value checked by <paramref name="problem"/> (null = fine, else the reason after "option: ").</summary>
    public static Option<T> Check<T>(this Option<T> option, Func<string, string?> problem)
    {
        option.Validators.Add(r =>
        {
            if (r.Implicit || r.Tokens.Count == 0)
            {
                return;
            }

            if (problem(r.Tokens[0].Value) is { } reason)
            {
                r.AddError($"{Typed(r)}: {reason}");
            }
        });
        return option;
    }

    /// <summary>Runs a parser for its exception only (null = accepted), so parse time and run time share one rule and one message.</summary>
    public static string? Rejection(Action parse)
    {
        try
        {
            parse();
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private static string Text(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[0].Value : "";

    private static string Typed(ArgumentResult r) => r.Parent is OptionResult o ? Typed(o) : r.Argument.Name;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A value of <see cref="OptionRules.Choice{T}"/> and the word the command line spells it with (what help prints).</summary>
internal readonly record struct Spelled<T>(string Name, T Value)
{
    public override string ToString() => Name;
}
