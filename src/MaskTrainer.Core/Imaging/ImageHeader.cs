using System.Buffers.Binary;

namespace MaskTrainer.Imaging;

/// <summary>
/// Format and pixel dimensions read from the first bytes of an encoded image, without decoding
/// it: lets <see cref="ImageCodec.Decode"/> refuse a decompression bomb before OpenCV allocates for
/// it, and tells "not an image" apart from "corrupt image" (or from one OpenCV would decode into
/// garbage: <see cref="BmpRle"/>). Knows JPEG (SOFn), PNG (IHDR), BMP
/// and WebP (VP8, VP8L, VP8X).
/// </summary>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height)
{
    /// <summary>Width * Height.</summary>
    public long Pixels => (long)Width * Height;

    /// <summary>Reads the header, or returns false with a one-line <paramref name="problem"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out ImageHeader header, out string problem) =>
        TryRead(data, out header, out problem, out _);

    /// <summary>
    /// As <see cref="TryRead(ReadOnlySpan{byte}, out ImageHeader, out string)"/>; for JPEG also
    /// gives the offset where the first scan's entropy-coded data starts (after the SOS segment),
    /// after which the end-of-image marker must come. 0 for other formats.
    /// </summary>
    internal static bool TryRead(ReadOnlySpan<byte> data, out ImageHeader header, out string problem, out int jpegScanStart)
    {
        header = default;
        jpegScanStart = 0;
        if (data.IsEmpty)
        {
            problem = "empty (0 bytes)";
            return false;
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return TryReadJpeg(data, out header, out problem, out jpegScanStart);
        }

        if (data.StartsWith(PngSignature))
        {
            return TryReadPng(data, out header, out problem);
        }

        if (data.StartsWith("BM"u8))
        {
            return TryReadBmp(data, out header, out problem);
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return TryReadWebP(data, out header, out problem);
        }

        problem = KnownOther(data) is { } other
            ? Unsupported(other)
            : $"not a JPEG, PNG, BMP or WebP image (starts with {Describe(data)})";
        return false;
    }

    /// <summary>Why a picture in <paramref name="format"/> (<see cref="KnownOther"/>'s words) is not read, and what to do.</summary>
    internal static string Unsupported(string format) => $"{format}, not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG";

    private const string Gif = "a GIF image", Tiff = "a TIFF image", Avif = "an AVIF image", Heic = "a HEIC/HEIF photo (an iPhone's)";

    /// <summary>
    /// The format <see cref="KnownOther"/> names for a file of <paramref name="extension"/> (any
    /// case), for a file not opened because of its extension; null for any other extension.
    /// </summary>
    internal static string? KnownOtherByExtension(string extension) => extension.ToLowerInvariant() switch
    {
        ".heic" or ".heif" or ".hif" => Heic,
        ".avif" => Avif,
        ".gif" => Gif,
        ".tif" or ".tiff" => Tiff,
        _ => null,
    };

    /// <summary>
    /// Image formats people have that OpenCV's build here does not read, named so the user knows
    /// what to convert: an iPhone's HEIC above all, GIF and TIFF. Null for anything else.
    /// </summary>
    internal static string? KnownOther(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return Gif;
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return Tiff;
        }

        // ISO base media file: a box of type 'ftyp' whose brands say which (HEIF/HEIC from phones,
        // AVIF). The generic HEIF brands (mif1, msf1) also head some AVIF files, which then list
        // 'avif' among their compatible brands: that is looked for first.
        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            int boxSize = Math.Clamp((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data), 12, data.Length);
            var brands = data[8..boxSize];
            if (HasBrand(brands, "avif"u8) || HasBrand(brands, "avis"u8))
            {
                return Avif;
            }

            if (HasBrand(brands, "heic"u8) || HasBrand(brands, "heix"u8) || HasBrand(brands, "mif1"u8) || HasBrand(brands, "msf1"u8) || HasBrand(brands, "hevc"u8))
            {
                return Heic;
            }
        }

        return null;
    }

    // The major brand, the minor version (4 bytes, skipped), then the compatible brands, 4 bytes each.
    private static bool HasBrand(ReadOnlySpan<byte> brands, ReadOnlySpan<byte> brand)
    {
        for (int i = 0; i + 4 <= brands.Length; i += i == 0 ? 8 : 4)
        {
            if (brands.Slice(i, 4).SequenceEqual(brand))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static bool TryReadJpeg(ReadOnlySpan<byte> data, out ImageHeader header, out string problem, out int scanStart)
    {
        header = default;
        scanStart = 0;
        int width = 0, height = 0;
        var pos = 2;
        while (true)
        {
            if (pos >= data.Length)
            {
                problem = width == 0 ? "truncated JPEG (ends before the frame header)" : "truncated JPEG (ends before the image data)";
                return false;
            }

            if (data[pos] != 0xFF)
            {
                // Stray bytes between segments: libjpeg skips them with a warning, so do we.
                var next = data[pos..].IndexOf((byte)0xFF);
                pos = next < 0 ? data.Length : pos + next;
                continue;
            }

            while (pos < data.Length && data[pos] == 0xFF)
            {
                pos++; // fill bytes
            }

            if (pos >= data.Length)
            {
                continue;
            }

            var marker = data[pos++];
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                continue; // markers without a length field
            }

            if (marker == 0xD9)
            {
                problem = "corrupt JPEG (end-of-image marker before any image data)";
                return false;
            }

            if (pos + 2 > data.Length)
            {
                pos = data.Length;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2)
            {
                problem = $"corrupt JPEG (segment length {length} at offset {pos})";
                return false;
            }

            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC && width == 0)
            {
                if (pos + 7 > data.Length)
                {
                    pos = data.Length;
                    continue;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 3)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 5)..]);
                if (width == 0 || height == 0)
                {
                    problem = $"unsupported JPEG (frame header gives {width}x{height})";
                    return false;
                }
            }

            if (marker == 0xDA)
            {
                if (width == 0)
                {
                    problem = "corrupt JPEG (image data before the frame header)";
                    return false;
                }

                header = new ImageHeader(ImageFormat.Jpeg, width, height);
                scanStart = Math.Min(pos + length, data.Length);
                problem = string.Empty;
                return true;
            }

            pos += length;
        }
    }

    private static bool TryReadPng(ReadOnlySpan<byte> data, out ImageHeader header, out string problem)
    {
        header = default;
        if (data.Length < 24)
        {
            problem = "truncated PNG (ends inside the header)";
            return false;
        }

        if (!data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            problem = "corrupt PNG (first chunk is not IHDR)";
            return false;
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            problem = $"corrupt PNG (header gives {width}x{height})";
            return false;
        }

        header = new ImageHeader(ImageFormat.Png, (int)width, (int)height);
        problem = string.Empty;
        return true;
    }

    /// <summary>
    /// Why a PNG that starts right is cut short or damaged, or null: its chunks must reach IEND,
    /// and those of the picture before it (IHDR, PLTE, IDAT) must match their CRC. libpng (as OpenCV
    /// uses it) refuses such a file too, but only after printing "libpng error: PNG input buffer
    /// is incomplete" or "libpng error: IDAT: CRC error" to stderr, beside our own line. A CRC
    /// costs a few percent of the decode; ancillary chunks' CRCs libpng only warns about, and so they
    /// are not looked at (the picture is whole). IEND must be whole (libpng reads it after the
    /// picture, and fails on a file that ends inside it), but its CRC is not checked: libpng
    /// decodes a PNG whose IEND CRC alone is wrong to the whole picture.
    /// </summary>
    internal static string? PngProblem(ReadOnlySpan<byte> data)
    {
        long pos = PngSignature.Length;
        while (pos + 8 <= data.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)pos..]);
            var type = data.Slice((int)pos + 4, 4);
            if (type.SequenceEqual("IEND"u8))
            {
                // Whole (length, type, CRC), but its CRC unchecked: see above.
                return pos + 12 > data.Length ? "truncated PNG (ends inside its IEND chunk)" : null;
            }

            long start = pos;
            pos += 12L + length; // length, type, data, CRC
            if (pos > data.Length)
            {
                return $"truncated PNG (ends inside its {Describe(type).Trim('"')} chunk)";
            }

            // A critical chunk has an upper-case first letter; the CRC covers the type and the data.
            if (type[0] is >= (byte)'A' and <= (byte)'Z'
                && System.IO.Hashing.Crc32.HashToUInt32(data.Slice((int)start + 4, (int)length + 4)) != BinaryPrimitives.ReadUInt32BigEndian(data[(int)(pos - 4)..]))
            {
                return $"corrupt PNG (CRC error in its {Describe(type).Trim('"')} chunk)";
            }
        }

        return "truncated PNG (no IEND chunk)";
    }

    private static bool TryReadBmp(ReadOnlySpan<byte> data, out ImageHeader header, out string problem)
    {
        header = default;
        if (data.Length < 26)
        {
            problem = "truncated BMP (ends inside the header)";
            return false;
        }

        long width, height;
        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
        if (dibSize == 12)
        {
            // BITMAPCOREHEADER: 16-bit sizes.
            width = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(data[18..]);
            height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..])); // negative = top-down
        }

        if (width <= 0 || height <= 0 || height > int.MaxValue)
        {
            problem = $"corrupt BMP (header gives {width}x{height})";
            return false;
        }

        // BITMAPINFOHEADER and later: bits per pixel at 28, compression at 30. OpenCV garbles RLE
        // rows that run past the width without a word (see BmpRle); training would learn from the garbage.
        if (dibSize >= 40 && data.Length >= 34)
        {
            var bits = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]);
            var compression = BinaryPrimitives.ReadUInt32LittleEndian(data[30..]);
            if (((compression == BmpRle.Rle8 && bits == 8) || (compression == BmpRle.Rle4 && bits == 4))
                && BmpRle.RunsPastWidth(data, BinaryPrimitives.ReadUInt32LittleEndian(data[10..]), (int)width, fourBit: bits == 4))
            {
                problem = $"a BMP with RLE{bits} compression whose rows run past its width (as ImageMagick writes them), which OpenCV decodes wrongly: convert it to PNG";
                return false;
            }
        }

        header = new ImageHeader(ImageFormat.Bmp, (int)width, (int)height);
        problem = string.Empty;
        return true;
    }

    private static bool TryReadWebP(ReadOnlySpan<byte> data, out ImageHeader header, out string problem)
    {
        header = default;
        problem = "truncated WebP (ends inside the header)";
        if (data.Length < 20)
        {
            return false;
        }

        var chunk = data.Slice(12, 4);
        int width, height;
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
            if (data.Length < 30)
            {
                return false;
            }

            if (data[23] != 0x9D || data[24] != 0x01 || data[25] != 0x2A)
            {
                problem = "corrupt WebP (bad VP8 start code)";
                return false;
            }

            width = BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF;
        }
        else if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: signature 0x2F, then 14 bits width-1 and 14 bits height-1.
            if (data.Length < 25)
            {
                return false;
            }

            if (data[20] != 0x2F)
            {
                problem = "corrupt WebP (bad VP8L signature)";
                return false;
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            width = (int)(bits & 0x3FFF) + 1;
            height = (int)((bits >> 14) & 0x3FFF) + 1;
        }
        else if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: flags and reserved (4 bytes), then 24-bit canvas width-1 and height-1.
            if (data.Length < 30)
            {
                return false;
            }

            width = (data[24] | (data[25] << 8) | (data[26] << 16)) + 1;
            height = (data[27] | (data[28] << 8) | (data[29] << 16)) + 1;
        }
        else
        {
            problem = $"unsupported WebP (first chunk is '{Describe(chunk)}')";
            return false;
        }

        if (width == 0 || height == 0)
        {
            problem = $"corrupt WebP (header gives {width}x{height})";
            return false;
        }

        header = new ImageHeader(ImageFormat.WebP, width, height);
        problem = string.Empty;
        return true;
    }

    /// <summary>The first bytes as text when printable, else as hex: enough to recognise HTML, JSON, ...</summary>
    private static string Describe(ReadOnlySpan<byte> data)
    {
        var head = data[..Math.Min(8, data.Length)];
        foreach (var b in head)
        {
            if (b < 0x20 || b > 0x7E)
            {
                return Convert.ToHexString(head);
            }
        }

        return $"\"{System.Text.Encoding.ASCII.GetString(head)}\"";
    }
}
