using System.Globalization;
using System.Text.Json;

namespace MaskTrainer.Faces;

/// <summary>
/// The logistic face / non-face head of <see cref="FaceVerifier"/>: likelihood =
/// sigmoid(Weights · embedding + Bias), standardisation folded in. The shipped head
/// (face-verifier.json, embedded) is made by <c>bench verifier --train-out</c> from the shared
/// data, deterministically; see README for what it was trained on.
/// </summary>
public sealed record FaceVerifierHead(float[] Weights, float Bias)
{
    private const string ResourceName = "MaskTrainer.face-verifier.json";

    /// <summary>The head shipped with MaskTrainer.</summary>
    public static FaceVerifierHead Default { get; } = LoadDefault();

    /// <summary>First 12 hex digits of the SHA-256 of the weights and bias: changes whenever the head does (feature-cache keys use it).</summary>
    public string Fingerprint => ComputeFingerprint();

    private string ComputeFingerprint()
    {
        var bytes = new byte[(Weights.Length + 1) * sizeof(float)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(Weights.AsSpan()).CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(Weights.Length * sizeof(float)), Bias);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..12].ToLowerInvariant();
    }

    /// <summary>sigmoid(Weights · <paramref name="embedding"/> + Bias).</summary>
    public float Likelihood(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Weights.Length)
        {
            throw new ArgumentException($"embedding has {embedding.Length} values, the head expects {Weights.Length}", nameof(embedding));
        }

        double s = Bias;
        for (int i = 0; i < Weights.Length; i++)
        {
            s += Weights[i] * embedding[i];
        }

        return (float)(1 / (1 + Math.Exp(-s)));
    }

    /// <summary>Reads a head from its JSON form ({"weights": [...], "bias": b, ...}; other fields are notes).</summary>
    public static FaceVerifierHead Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var weights = root.GetProperty("weights").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        if (weights.Length == 0)
        {
            throw new FormatException("face verifier head has no weights");
        }

        return new FaceVerifierHead(weights, root.GetProperty("bias").GetSingle());
    }

    /// <summary>Writes the JSON form read by <see cref="Parse"/>, with <paramref name="notes"/> as extra fields.</summary>
    public string ToJson(IReadOnlyDictionary<string, string> notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            foreach (var (key, value) in notes)
            {
                w.WriteString(key, value);
            }

            w.WriteNumber("bias", Bias);
            w.WriteStartArray("weights");
            foreach (var v in Weights)
            {
                // Round-trip precision, invariant culture: the file must reproduce the scores.
                w.WriteRawValue(v.ToString("R", CultureInfo.InvariantCulture));
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static FaceVerifierHead LoadDefault()
    {
        using var stream = typeof(FaceVerifierHead).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
