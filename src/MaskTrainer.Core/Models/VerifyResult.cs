namespace MaskTrainer.Models;

/// <summary>One line of <see cref="ModelStore.Verify"/>'s report.</summary>
/// <param name="ModelId">Model id, or <c>npm:package@version</c> for a cached tarball.</param>
/// <param name="FileName">File name.</param>
/// <param name="Path">Where the file is (or would be).</param>
/// <param name="Status">What re-hashing found.</param>
/// <param name="ActualSha256">Hash found, when the file was present.</param>
/// <param name="Deleted">True when a mismatching cache copy was deleted.</param>
public sealed record VerifyResult(string ModelId, string FileName, string Path, VerifyStatus Status, string? ActualSha256, bool Deleted);
