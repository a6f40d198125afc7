using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MaskTrainer.Serialization;

/// <summary>The one JSON dialect of model files: camelCase, indented, nulls omitted.</summary>
internal static class ModelJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static byte[] SerializeToUtf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T? Deserialize<T>(JsonElement element) => element.Deserialize<T>(Options);

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static JsonSerializerOptions CreateOptions()
    {
        var resolver = new DefaultJsonTypeInfoResolver();

        // `required` members help callers who build manifests in code; a file that lacks one is
        // reported by ManifestValidator with a message about the model file instead of a
        // serializer message about a CLR type.
        resolver.Modifiers.Add(static info =>
        {
            foreach (var property in info.Properties)
            {
                property.IsRequired = false;
            }
        });

        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Metrics can legitimately be NaN (e.g. AUC with a class absent from the test set).
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = resolver,
        };
        options.MakeReadOnly();
        return options;
    }
}
