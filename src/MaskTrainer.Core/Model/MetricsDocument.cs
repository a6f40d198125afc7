using MaskTrainer.Reporting;
using MaskTrainer.Data;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MaskTrainer.Model;

/// <summary>
/// The metrics.json file written next to a trained model:
/// <c>{"labels","count","skipped":[{"path","reason"}],"accuracy","macroAccuracy","logLoss",
/// "logLossReduction","auc","perClass":{label:{"precision","recall","f1","support"}},"confusionMatrix"}</c>.
/// "auc" is null unless there are exactly two classes, both with examples; "logLossReduction" is
/// null unless two classes or more have examples; "perClass" keys follow "labels" order.
/// </summary>
public sealed class MetricsDocument
{
    public IReadOnlyList<string> Labels { get; init; } = [];

    public int Count { get; init; }

    /// <summary>Inputs that could not be evaluated, with the reason.</summary>
    public IReadOnlyList<SkippedItem> Skipped { get; init; } = [];

    public double Accuracy { get; init; }

    public double MacroAccuracy { get; init; }

    public double LogLoss { get; init; }

    public double? LogLossReduction { get; init; }

    public double? Auc { get; init; }

    public IReadOnlyDictionary<string, ClassMetrics> PerClass { get; init; } = new Dictionary<string, ClassMetrics>();

    /// <summary>Rows = truth, columns = predicted.</summary>
    public IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; init; } = [];

    public static MetricsDocument From(ClassificationMetrics metrics, IReadOnlyList<SkippedItem> skipped)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(skipped);
        return new MetricsDocument
        {
            Labels = metrics.Labels.ToArray(),
            Count = metrics.Count,
            Skipped = skipped.ToArray(),
            Accuracy = metrics.Accuracy,
            MacroAccuracy = metrics.MacroAccuracy,
            LogLoss = metrics.LogLoss,
            LogLossReduction = metrics.LogLossReduction,
            Auc = metrics.Auc,
            PerClass = new OrderedDictionary<string, ClassMetrics>(metrics.PerClass, StringComparer.Ordinal),
            ConfusionMatrix = metrics.ToConfusionArray(),
        };
    }

    /// <summary>Indented JSON, camelCase names, invariant number format, names readable (<see cref="OutputJson.Document"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, OutputJson.Document);

    /// <exception cref="InvalidDataException">The text is not a metrics document.</exception>
    public static MetricsDocument FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<MetricsDocument>(json, OutputJson.Document)
                ?? throw new InvalidDataException("metrics document is null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"not a valid metrics document: {ex.Message}", ex);
        }
    }
}
