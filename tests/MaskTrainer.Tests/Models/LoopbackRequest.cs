namespace MaskTrainer.Tests.Models;

/// <summary>A request as <see cref="LoopbackServer"/> saw it.</summary>
internal sealed record LoopbackRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>Start offset of a <c>Range: bytes=N-</c> header, if any.</summary>
    public long? RangeStart =>
        Headers.TryGetValue("range", out var range) && range.StartsWith("bytes=", StringComparison.Ordinal)
            ? long.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture)
            : null;
}
