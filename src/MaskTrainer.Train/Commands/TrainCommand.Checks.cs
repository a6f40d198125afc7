using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MaskTrainer.Data;

namespace MaskTrainer.Train.Commands;

/// <summary>The train options' parse-time rules that span several options, and the text parsers the single-option rules share with the run.</summary>
internal sealed partial class TrainCommand
{
    /// <summary>Rules spanning several options, checked at parse time like the single-option rules.</summary>
    private void CheckCombination(CommandResult r)
    {
        if (r.GetResult(_backbone) is { Implicit: false } backbone && ModelChoices.IsBackboneFile(backbone.GetValueOrDefault<string>())
            && r.GetResult(_layer) is null)
        {
            r.AddError($"{OptionRules.Typed(backbone)}: '{backbone.GetValueOrDefault<string>()}' is a file: also give --backbone-layer (the feature layer's name)");
        }

        if ((r.GetResult(_testFraction) is { Implicit: false } || r.GetResult(_validationFraction) is { Implicit: false })
            && TryGetValue(r, _testFraction, SplitOptions.Default.TestFraction, out double t)
            && TryGetValue(r, _validationFraction, SplitOptions.Default.ValidationFraction, out double v) && t + v >= 1)
        {
            r.AddError(string.Create(CultureInfo.InvariantCulture, $"--test-fraction + --validation-fraction: {t} + {v} must be below 1 (nothing would be left to train on)"));
        }
    }

    /// <summary>
    /// The option's value (<paramref name="fallback"/> when not given: command validators run before
    /// defaults are filled in), or false when its own rule rejected it: GetValue then throws, and
    /// that option's error is already the one to report.
    /// </summary>
    private static bool TryGetValue<T>(CommandResult r, Option<T> option, T fallback, out T value)
    {
        try
        {
            value = r.GetResult(option) is { Implicit: false } ? r.GetValue(option)! : fallback;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static (int W, int H) ParseSize(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[^1], CultureInfo.InvariantCulture, out var h) && w > 0 && h > 0)
        {
            return (w, h);
        }

        throw new ArgumentException($"'{text}' is not a size like 224 or 224x224");
    }

    private static float[] ParseTriple(string text)
    {
        var parts = text.Split(',');
        var values = new float[3];
        if (parts.Length != 3)
        {
            throw new ArgumentException($"'{text}' is not three comma-separated numbers");
        }

        for (int i = 0; i < 3; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new ArgumentException($"'{text}': '{parts[i]}' is not a number");
            }
        }

        return values;
    }
}
