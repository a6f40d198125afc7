namespace MaskTrainer.Imaging;

/// <summary>
/// The run-length coded pixels of an RLE8 or RLE4 BMP, walked without decoding them. OpenCV
/// decodes RLE rows that stay within the width correctly, but not rows whose runs go past it:
/// an RLE8 row is then wrapped into a garbled picture (OpenCV says nothing), an RLE4 one fails.
/// ImageMagick writes such rows whenever the width is not a multiple of 4 (it codes every
/// row's padding bytes as pixels), so a palette image it saves as BMP is one of them.
/// </summary>
internal static class BmpRle
{
    /// <summary>BI_RLE8 and BI_RLE4, the BMP header's compression values.</summary>
    public const uint Rle8 = 1, Rle4 = 2;

    /// <summary>
    /// True when a run of the coded data from <paramref name="offset"/> on ends past pixel
    /// <paramref name="width"/> of its row. Data cut short or without an end is not judged here
    /// (OpenCV's decode tells what it makes of it).
    /// </summary>
    public static bool RunsPastWidth(ReadOnlySpan<byte> data, long offset, int width, bool fourBit)
    {
        if (offset < 0 || offset >= data.Length)
        {
            return false;
        }

        long x = 0;
        var pos = (int)offset;
        while (pos + 1 < data.Length)
        {
            int count = data[pos], code = data[pos + 1];
            pos += 2;
            if (count > 0)
            {
                x += count; // encoded run: count pixels of one index (RLE4: two alternating)
            }
            else if (code == 0)
            {
                x = 0; // end of line
                continue;
            }
            else if (code == 1)
            {
                return false; // end of bitmap
            }
            else if (code == 2)
            {
                if (pos + 1 >= data.Length)
                {
                    return false;
                }

                x += data[pos]; // delta: right and down
                pos += 2;
            }
            else
            {
                x += code; // absolute run: code indexes follow, padded to a whole 16-bit word
                int bytes = fourBit ? (code + 1) / 2 : code;
                pos += (bytes + 1) & ~1;
            }

            if (x > width)
            {
                return true;
            }
        }

        return false;
    }
}
