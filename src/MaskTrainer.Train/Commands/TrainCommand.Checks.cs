using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MaskTrainer.Data;
using MaskTrainer.Model;

namespace MaskTrainer.Train.Commands;

/// <summary>The train options' parse-time rules that span several options, and the text parsers the single-option rules share with the run.</summary>
internal sealed partial class TrainCommand
{
    /// <summary>Rules spanning several options, checked at parse time like the single-option rules.</summary>
    private void CheckCombination(CommandResult r)
    {
        bool ownBackbone = r.GetResult(_backbone) is { Implicit: false } given && ModelChoices.IsBackboneFile(given.GetValueOrDefault<string>());
        if (ownBackbone && r.GetResult(_layer) is null)
        {
            var backbone = r.GetResult(_backbone)!;
            r.AddError($"{OptionRules.Typed(backbone)}: '{backbone.GetValueOrDefault<string>()}' is a file: also give --backbone-layer (the feature layer's name)");
        }

        // The --backbone-* options describe a network file; a catalog backbone brings its own
        // layer and preprocessing, so one of them given with it would be silently ignored.
        if (!ownBackbone && TryGetValue(r, _backbone, MaskTrainingOptions.DefaultBackbone, out string catalogId)
            && ModelChoices.BackboneProblem(catalogId) is null
            && new Option[] { _layer, _input, _mean, _scale, _std, _channels, _layout }.Select(o => r.GetResult(o)).OfType<OptionResult>()
                .FirstOrDefault(o => !o.Implicit && Parses(o)) is { } stray)
        {
            r.AddError($"{OptionRules.Typed(stray)}: only applies to your own backbone file (--backbone path/to/network.onnx); '{catalogId}' is a catalog backbone with its own layer and preprocessing");
        }

        if ((r.GetResult(_testFraction) is { Implicit: false } || r.GetResult(_validationFraction) is { Implicit: false })
            && TryGetValue(r, _testFraction, SplitOptions.Default.TestFraction, out double t)
            && TryGetValue(r, _validationFraction, SplitOptions.Default.ValidationFraction, out double v) && t + v >= 1)
        {
            r.AddError(string.Create(CultureInfo.InvariantCulture, $"--test-fraction + --validation-fraction: {t} + {v} must be below 1 (nothing would be left to train on)"));
        }

        if (TryGetValue(r, _trainer, HeadOptions.Default.Trainer, out TrainerKind trainer) && trainer == TrainerKind.Auto
            && TryGetValue(r, _validationFraction, SplitOptions.Default.ValidationFraction, out double validation) && validation <= 0)
        {
            r.AddError(MaskTrainingPipeline.AutoNeedsValidation);
        }
    }

    /// <summary>False when the option's own rule rejected its value: that error is the one to report.</summary>
    private static bool Parses(OptionResult o)
    {
        try
        {
            _ = o.GetValueOrDefault<object?>();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
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

    /// <summary>"224" or "224x192", each side within <see cref="UserBackboneOptions.MinInputSize"/>..<see cref="UserBackboneOptions.MaxInputSize"/>.</summary>
    private static (int W, int H) ParseSize(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[^1], CultureInfo.InvariantCulture, out var h))
        {
            const int min = UserBackboneOptions.MinInputSize, max = UserBackboneOptions.MaxInputSize;
            return w is >= min and <= max && h is >= min and <= max
                ? (w, h)
                : throw new ArgumentException($"'{text}' is outside {min} to {max} pixels a side");
        }

        throw new ArgumentException($"'{text}' is not a size like 224 or 224x224");
    }

    /// <summary>Three comma-separated finite numbers (each above 0 when <paramref name="positive"/>: a divisor).</summary>
    private static float[] ParseTriple(string text, bool positive)
    {
        var parts = text.Split(',');
        var values = new float[3];
        if (parts.Length != 3)
        {
            throw new ArgumentException($"'{text}' is not three comma-separated numbers");
        }

        for (int i = 0; i < 3; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new ArgumentException($"'{text}': '{parts[i].Trim()}' is not a finite number");
            }

            if (positive && !(values[i] > 0))
            {
                throw new ArgumentException($"'{text}': '{parts[i].Trim()}' is not a number > 0");
            }
        }

        return values;
    }
}
