namespace MaskTrainer.Models;

/// <summary>What <see cref="HttpFetcher"/> should fetch and where the verified result goes.</summary>
/// <param name="Url">Source URL.</param>
/// <param name="FinalPath">Cache path the verified file is renamed to.</param>
/// <param name="Sha256">Expected SHA-256.</param>
/// <param name="Size">Expected size, when known.</param>
/// <param name="DisplayName">File name for messages and progress.</param>
/// <param name="PlaceHint">Where the user can put the file by hand (ends every download error).</param>
internal sealed record DownloadRequest(Uri Url, string FinalPath, string Sha256, long? Size, string DisplayName, string PlaceHint);
