using System.Buffers.Binary;
using System.Diagnostics;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

/// <summary>
/// RLE-compressed BMPs: OpenCV decodes rows that stay within the width, and garbles (RLE8) or
/// fails on (RLE4) rows whose runs go past it, as ImageMagick writes them: those are refused.
/// </summary>
public sealed class BmpRleTests
{
    private const string Refusal = "which OpenCV decodes wrongly: convert it to PNG";

    // Six distinct colours (BGR), by palette index.
    private static readonly byte[][] Palette = [[0, 0, 255], [0, 255, 0], [255, 0, 0], [0, 255, 255], [255, 255, 0], [40, 80, 120]];

    // A 6x3 picture of palette indexes, top row first.
    private static readonly int[][] Indexes = [[0, 0, 0, 1, 2, 3], [4, 4, 5, 5, 5, 0], [1, 2, 3, 4, 5, 0]];

    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    public void Rle_rows_within_the_width_decode_to_their_pixels(int bits)
    {
        using var image = ImageCodec.Decode(Bmp(bits, padRows: false), sourceName: "h2-rle.bmp");

        image.Size().Should().Be(new Size(6, 3));
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                var p = image.At<Vec3b>(y, x);
                new[] { p.Item0, p.Item1, p.Item2 }.Should().Equal(Palette[Indexes[y][x]], $"RLE{bits} pixel ({x}, {y})");
            }
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(4)]
    public void Rle_rows_that_run_past_the_width_are_refused_in_one_line(int bits)
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(Bmp(bits, padRows: true), sourceName: "h2-rle.bmp").Dispose());

        error.Message.Should().Be($"h2-rle.bmp: a BMP with RLE{bits} compression whose rows run past its width (as ImageMagick writes them), {Refusal}");
    }

    [MagickSharedFact("data/mask-sample")]
    public void A_photo_saved_by_ImageMagick_as_a_palette_BMP_is_refused_and_one_four_pixels_narrower_decodes_right()
    {
        using var temp = new TempFolder();
        var photo = Directory.GetFiles(SharedData.Full("data/mask-sample/with_mask")).Order(StringComparer.Ordinal).First(f => f.EndsWith(".png", StringComparison.Ordinal));
        using var original = ImageCodec.Read(photo);
        int narrow = original.Cols / 4 * 4;
        int odd = narrow + (original.Cols % 4 == 0 ? -1 : original.Cols % 4);
        var refused = temp.File("h2-rle-odd.bmp");
        var rle = temp.File("h2-rle-narrow.bmp");
        var plain = temp.File("h2-plain-narrow.bmp");
        Convert(photo, "-crop", $"{odd}x{original.Rows}+0+0", "+repage", "-type", "Palette", refused);
        Convert(photo, "-crop", $"{narrow}x{original.Rows}+0+0", "+repage", "-type", "Palette", rle);
        Convert(photo, "-crop", $"{narrow}x{original.Rows}+0+0", "+repage", "-type", "Palette", "-compress", "None", plain);
        BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(refused).AsSpan(30)).Should().Be(1, "ImageMagick writes palette BMPs as RLE8");
        BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(rle).AsSpan(30)).Should().Be(1);

        var error = Assert.Throws<ImageDecodeException>(() => ImageCodec.Read(refused).Dispose());
        error.Message.Should().Be($"{refused}: a BMP with RLE8 compression whose rows run past its width (as ImageMagick writes them), {Refusal}");
        using var decoded = ImageCodec.Read(rle);
        using var uncompressed = ImageCodec.Read(plain);
        decoded.GetBytes().SequenceEqual(uncompressed.GetBytes()).Should().BeTrue("rows of a width ImageMagick need not pad decode right");
    }

    /// <summary>
    /// A 6x3 BMP of <see cref="Indexes"/>, RLE8 or RLE4 (bottom row first, encoded runs and an
    /// absolute run); <paramref name="padRows"/> codes 8 pixels a row, as ImageMagick codes a
    /// row's padding up to 4 bytes.
    /// </summary>
    private static byte[] Bmp(int bits, bool padRows)
    {
        var pixels = new List<byte>();
        for (int y = 2; y >= 0; y--)
        {
            var row = Indexes[y];
            if (bits == 8)
            {
                // Encoded runs of one pixel for the first two, then the other four as an absolute run.
                pixels.AddRange([1, (byte)row[0], 1, (byte)row[1]]);
                pixels.AddRange([0, 4, .. row[2..].Select(i => (byte)i)]);
                if (padRows)
                {
                    pixels.AddRange([2, 0]);
                }
            }
            else
            {
                // Three encoded runs of 2: each codes two pixels, the high nibble first.
                for (int x = 0; x < 6; x += 2)
                {
                    pixels.AddRange([2, (byte)((row[x] << 4) | row[x + 1])]);
                }

                if (padRows)
                {
                    pixels.AddRange([2, 0]);
                }
            }

            pixels.AddRange([0, 0]); // end of line
        }

        pixels[^1] = 1; // the last end of line becomes the end of the bitmap

        const int colours = 16, offset = 14 + 40 + colours * 4;
        var data = new byte[offset + pixels.Count];
        "BM"u8.CopyTo(data);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(2), data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(10), offset);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(18), 6);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(22), 3);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(28), (short)bits);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(30), bits == 8 ? 1 : 2);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(34), pixels.Count);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(46), colours);
        for (int i = 0; i < Palette.Length; i++)
        {
            Palette[i].CopyTo(data, 54 + i * 4); // B, G, R, reserved
        }

        pixels.CopyTo(data, offset);
        return data;
    }

    private static void Convert(params string[] args)
    {
        var start = new ProcessStartInfo("convert") { RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit(60_000).Should().BeTrue();
        process.ExitCode.Should().Be(0, stderr);
    }
}
