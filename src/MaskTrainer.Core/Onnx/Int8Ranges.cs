using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MaskTrainer.Onnx;

/// <summary>
/// The measured value range of each tensor <see cref="Int8Quantizer"/> quantizes, by tensor name.
/// A backbone's ranges ship embedded in MaskTrainer.Core (<c>Onnx/&lt;name&gt;.json</c>, named by the
/// catalog's <c>int8Ranges</c>), made by <c>bench quantize --write</c> from real face images, so the
/// quantized graph is built the same everywhere, offline, without data.
/// </summary>
public sealed class Int8Ranges
{
    // Each embedded file is parsed once: graph keys ask for its fingerprint on every featurizer.
    private static readonly ConcurrentDictionary<string, Lazy<Int8Ranges>> EmbeddedByName = new(StringComparer.Ordinal);

    private readonly Lazy<string> _fingerprint;

    /// <summary>Ranges by tensor name.</summary>
    public Int8Ranges(IReadOnlyDictionary<string, (float Min, float Max)> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Tensors = tensors;
        _fingerprint = new(() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson("")))[..8]));
    }

    /// <summary>Min and max of each tensor, by name.</summary>
    public IReadOnlyDictionary<string, (float Min, float Max)> Tensors { get; }

    /// <summary>First 16 hex digits of the SHA-256 of the ranges as JSON (the note left out): part of the quantized graph's cache key.</summary>
    public string Fingerprint => _fingerprint.Value;

    /// <summary>The ranges embedded under <paramref name="name"/> (e.g. <c>resnet18-int8.json</c>), parsed once.</summary>
    /// <exception cref="OnnxGraphEditException">No such resource, or it does not parse.</exception>
    public static Int8Ranges Embedded(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return EmbeddedByName.GetOrAdd(name, n => new Lazy<Int8Ranges>(() => ReadEmbedded(n))).Value;
    }

    private static Int8Ranges ReadEmbedded(string name)
    {
        using var stream = typeof(Int8Ranges).Assembly.GetManifestResourceStream("MaskTrainer.Onnx." + name)
            ?? throw new OnnxGraphEditException($"no int8 ranges named '{name}' ship with MaskTrainer (embedded: {string.Join(", ", Names())})");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), name);
    }

    /// <summary>Reads {"tensors": {"name": [min, max], ...}, ...}; other fields are notes.</summary>
    public static Int8Ranges Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var tensors = new SortedDictionary<string, (float, float)>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.GetProperty("tensors").EnumerateObject())
            {
                var pair = p.Value.EnumerateArray().Select(v => v.GetSingle()).ToArray();
                if (pair.Length != 2 || !(pair[0] <= pair[1]))
                {
                    throw new FormatException($"tensor '{p.Name}': expected [min, max]");
                }

                tensors[p.Name] = (pair[0], pair[1]);
            }

            return new Int8Ranges(tensors);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new OnnxGraphEditException($"{source}: not int8 ranges: {e.Message}", e);
        }
    }

    /// <summary>The JSON form, tensors sorted by name, with <paramref name="note"/> as its "note".</summary>
    public string ToJson(string note)
    {
        var text = new StringBuilder();
        text.Append("{\n  \"note\": ").Append(JsonSerializer.Serialize(note)).Append(",\n  \"tensors\": {");
        bool first = true;
        foreach (var (name, (min, max)) in Tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            text.Append(first ? "\n" : ",\n").Append(CultureInfo.InvariantCulture, $"    {JsonSerializer.Serialize(name)}: [{min:R}, {max:R}]");
            first = false;
        }

        return text.Append("\n  }\n}\n").ToString();
    }

    private static IEnumerable<string> Names() =>
        typeof(Int8Ranges).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("MaskTrainer.Onnx.", StringComparison.Ordinal));
}
