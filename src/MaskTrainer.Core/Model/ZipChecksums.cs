using System.IO.Compression;
using System.IO.Hashing;

namespace MaskTrainer.Model;

/// <summary>
/// Whether every entry of a zip still has the CRC-32 its headers record. .NET's ZipArchive never
/// compares them, so a flipped bit in a model reaches ML.NET, which either fails with words that do
/// not say the file is damaged ("Error during class instantiation") or, where the bit lands in a
/// weight, loads a model that scores differently without a word. Inflating a model takes well under
/// a tenth of a second, on a thread of its own beside ML.NET's load (<see cref="MaskModel.Load(string, int)"/>).
/// </summary>
internal static class ZipChecksums
{
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
            var crc = new Crc32();
            foreach (var entry in zip.Entries)
            {
                try
                {
                    using var data = entry.Open();
                    crc.Reset();
                    crc.Append(data);
                    if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
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
}
