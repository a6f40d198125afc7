namespace MaskTrainer.Models;

/// <summary>Checks and normalises SHA-256 hex strings (64 hex digits, stored lower-case).</summary>
internal static class Sha256Text
{
    /// <summary>True when <paramref name="text"/> is 64 hex digits.</summary>
    public static bool IsValid(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit);

    /// <summary>Returns <paramref name="text"/> in lower case, or throws <see cref="ArgumentException"/> naming <paramref name="parameter"/>.</summary>
    public static string Normalize(string? text, string parameter) =>
        IsValid(text)
            ? text!.ToLowerInvariant()
            : throw new ArgumentException($"'{text}' is not a SHA-256 (64 hex digits)", parameter);

    /// <summary>Shortens a hash for messages: the first 12 digits and an ellipsis.</summary>
    public static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
}
