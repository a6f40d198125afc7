using System.Globalization;
using MaskTrainer.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MaskTrainer.Model;

/// <summary>
/// Checks a loaded model's metadata against the ML.NET model it sits beside. The metadata is
/// plain JSON in the zip and can be edited by hand; what it says about labels and sizes is used
/// as it is (labels index <see cref="ModelOutput.Score"/>, sizes drive the OpenCV resize), so a
/// label list in another order would silently invert every result and a wrong count or size
/// would fail deep in the first prediction. The ML.NET model records both itself; its output
/// schema (bound without running a row: no ONNX run, a few milliseconds) says what they are.
/// </summary>
internal static class ModelSchemaCheck
{
    /// <summary>The column whose key values are the classes in <see cref="ModelOutput.Score"/> order (the scorer's, before MapKeyToValue).</summary>
    private const string PredictedLabel = "PredictedLabel";

    // ML.NET's name for the annotation GetKeyValues reads (its constant, AnnotationUtils.Kinds.KeyValues, is internal).
    private const string KeyValuesAnnotation = "KeyValues";

    /// <summary>Throws when <paramref name="metadata"/> does not describe <paramref name="chain"/>.</summary>
    /// <param name="name">The model file, for the message.</param>
    /// <exception cref="ModelFileException">The labels, the backbone's input size or its feature size differ, or the chain does not take MaskTrainer's input.</exception>
    public static void Check(ITransformer chain, DataViewSchema input, ModelMetadata metadata, string name)
    {
        DataViewSchema schema;
        try
        {
            schema = chain.GetOutputSchema(input);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or InvalidCastException or KeyNotFoundException or NotSupportedException)
        {
            throw new ModelFileException(name, $"the ML.NET model does not take MaskTrainer's input: {MaskModel.FirstLine(e.Message)}", e);
        }

        var labels = KeyValues(schema, PredictedLabel)
            ?? throw new ModelFileException(name, $"the ML.NET model has no {PredictedLabel} key column with class names; it is not a MaskTrainer classifier");
        if (!labels.SequenceEqual(metadata.Labels, StringComparer.Ordinal))
        {
            throw new ModelFileException(name, $"metadata labels [{string.Join(", ", metadata.Labels)}] do not match the model's [{string.Join(", ", labels)}]");
        }

        var backbone = metadata.Backbone;
        if (schema.GetColumnOrNull(BackboneEstimator.ResizedImageColumn)?.Type is ImageDataViewType image
            && (image.Width != backbone.InputWidth || image.Height != backbone.InputHeight))
        {
            throw new ModelFileException(name, Invariant($"metadata backbone input {backbone.InputWidth}x{backbone.InputHeight} does not match the model's {image.Width}x{image.Height}"));
        }

        if (schema.GetColumnOrNull(FeatureDataView.Features)?.Type is VectorDataViewType { Size: > 0 } features
            && features.Size != backbone.FeatureSize)
        {
            throw new ModelFileException(name, Invariant($"metadata backbone.featureSize {backbone.FeatureSize} does not match the model's {features.Size}"));
        }
    }

    /// <summary>
    /// The text key values of the last column named <paramref name="column"/> that is a key
    /// (hidden or not: MapKeyToValue hides the scorer's key column behind its text copy); null when there is none.
    /// </summary>
    private static string[]? KeyValues(DataViewSchema schema, string column)
    {
        for (int i = schema.Count - 1; i >= 0; i--)
        {
            var c = schema[i];
            if (c.Name != column || c.Type is not KeyDataViewType
                || c.Annotations.Schema.GetColumnOrNull(KeyValuesAnnotation)?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            {
                continue;
            }

            VBuffer<ReadOnlyMemory<char>> values = default;
            c.GetKeyValues(ref values);
            return values.DenseValues().Select(v => v.ToString()).ToArray();
        }

        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
