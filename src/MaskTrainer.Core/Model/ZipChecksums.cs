using System.IO.Compression;

namespace MaskTrainer.Model;

/// <summary>
/// Whether every entry of a zip still has the CRC-32 its headers record. .NET's ZipArchive never
/// compares them, so a flipped bit in a model reaches ML.NET, whose errors ("Error during class
/// instantiation") do not say the file is damaged. Inflating the whole model takes a tenth of a
/// second: it is checked only after a load failed, to say why.
/// </summary>
internal static class ZipChecksums
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>
    /// What is damaged, "its zip checksums do not match, in &lt;entry&gt;" or "&lt;entry&gt; cannot be unpacked",
    /// for the first damaged entry; null when every entry matches its checksum.
    /// </summary>
    /// <param name="stream">The zip, read from its current position; left where it was.</param>
    public static string? Damage(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.Position;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var buffer = new byte[81920];
            foreach (var entry in zip.Entries)
            {
                try
                {
                    using var data = entry.Open();
                    uint crc = 0xFFFFFFFFu;
                    int n;
                    while ((n = data.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        crc = Update(crc, buffer.AsSpan(0, n));
                    }

                    if (~crc != entry.Crc32)
                    {
                        return $"its zip checksums do not match, in {entry.FullName}";
                    }
                }
                catch (InvalidDataException)
                {
                    return $"{entry.FullName} cannot be unpacked"; // its header or its compressed data is damaged
                }
            }

            return null;
        }
        catch (InvalidDataException)
        {
            return "its zip directory cannot be read";
        }
        finally
        {
            stream.Position = start;
        }
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    // The reflected polynomial of zip's CRC-32 (IEEE 802.3).
    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
