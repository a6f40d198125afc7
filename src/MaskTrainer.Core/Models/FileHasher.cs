using System.Buffers;
using System.Security.Cryptography;

namespace MaskTrainer.Models;

/// <summary>SHA-256 of files, streamed (model files reach tens of MB).</summary>
internal static class FileHasher
{
    /// <summary>Lower-case hex SHA-256 of the file at <paramref name="path"/>.</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> and returns the SHA-256 of the bytes copied, stopping after <paramref name="limit"/> + 1 bytes.</summary>
    public static async Task<(string Sha256, long Length)> CopyAndHashAsync(Stream source, Stream destination, long limit, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        long length = 0;
        try
        {
            int n;
            while (length <= limit && (n = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                await destination.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                length += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
