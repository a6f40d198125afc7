using System.Text.Json.Nodes;

namespace MaskTrainer.Serialization;

/// <summary>The trained head: its kind, free-form settings and the tensors holding its weights.</summary>
public sealed record HeadInfo
{
    /// <summary>Head type understood by the trainer/predictor (e.g. "softmax", "mlp").</summary>
    public required string Kind { get; init; }

    /// <summary>Kind-specific settings (hidden size, activation, ...); free-form.</summary>
    public JsonObject? Settings { get; init; }

    /// <summary>Weight tensors, filled in by <see cref="ModelPackage.Save"/> from the tensors it is given.</summary>
    public IReadOnlyList<HeadTensorInfo> Tensors { get; init; } = [];
}
