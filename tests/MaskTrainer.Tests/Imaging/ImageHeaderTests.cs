using System.Buffers.Binary;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

/// <summary>Header layouts that OpenCV's encoders do not produce here, built by hand.</summary>
public sealed class ImageHeaderTests
{
    [Fact]
    public void Reads_lossless_webp()
    {
        var data = Riff("VP8L", 25);
        data[20] = 0x2F;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(21), (uint)((640 - 1) | ((480 - 1) << 14)));

        Read(data).Should().Be(new ImageHeader(ImageFormat.WebP, 640, 480));
    }

    [Fact]
    public void Reads_extended_webp()
    {
        var data = Riff("VP8X", 30);
        Write24(data, 24, 20000 - 1);
        Write24(data, 27, 10000 - 1);

        Read(data).Should().Be(new ImageHeader(ImageFormat.WebP, 20000, 10000));
    }

    [Fact]
    public void Reads_top_down_and_core_bmp_headers()
    {
        var info = new byte[54];
        "BM"u8.CopyTo(info);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(18), 300);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(22), -200); // top-down
        Read(info).Should().Be(new ImageHeader(ImageFormat.Bmp, 300, 200));

        var core = new byte[26];
        "BM"u8.CopyTo(core);
        BinaryPrimitives.WriteUInt32LittleEndian(core.AsSpan(14), 12);
        BinaryPrimitives.WriteUInt16LittleEndian(core.AsSpan(18), 7);
        BinaryPrimitives.WriteUInt16LittleEndian(core.AsSpan(20), 9);
        Read(core).Should().Be(new ImageHeader(ImageFormat.Bmp, 7, 9));
    }

    [Fact]
    public void Reads_progressive_jpeg_after_stray_bytes_and_rejects_a_scan_before_the_frame()
    {
        byte[] jpeg =
        [
            0xFF, 0xD8,
            0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00,       // APP0 with 2 bytes of payload
            0x00, 0x00,                               // stray bytes libjpeg would skip
            0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x01, 0x2C, 0x02, 0x58, 0x01, 0x01, 0x11, 0x00, // SOF2 600x300
            0xFF, 0xDA, 0x00, 0x02,
        ];
        Read(jpeg).Should().Be(new ImageHeader(ImageFormat.Jpeg, 600, 300));

        byte[] scanFirst = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02];
        ImageHeader.TryRead(scanFirst, out _, out var problem).Should().BeFalse();
        problem.Should().Be("corrupt JPEG (image data before the frame header)");
    }

    [Fact]
    public void Unknown_formats_are_described_by_their_first_bytes()
    {
        ImageHeader.TryRead("GIF90a.."u8, out _, out var text).Should().BeFalse();
        text.Should().Be("not a JPEG, PNG, BMP or WebP image (starts with \"GIF90a..\")");

        ImageHeader.TryRead([0x00, 0x01, 0xFE], out _, out var binary).Should().BeFalse();
        binary.Should().Be("not a JPEG, PNG, BMP or WebP image (starts with 0001FE)");
    }

    [Fact]
    public void Formats_people_have_that_are_not_read_are_named_so_they_know_what_to_convert()
    {
        // An iPhone's photo was "starts with 0000001866747970".
        byte[] heic = [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0];
        ImageHeader.TryRead(heic, out _, out var problem).Should().BeFalse();
        problem.Should().Be("a HEIC/HEIF photo (an iPhone's), not a JPEG, PNG, BMP or WebP image: convert it to JPEG or PNG");

        ImageHeader.TryRead("GIF89a.."u8, out _, out problem).Should().BeFalse();
        problem.Should().StartWith("a GIF image, not");
        ImageHeader.TryRead("II*\0...."u8, out _, out problem).Should().BeFalse();
        problem.Should().StartWith("a TIFF image, not");
        ImageHeader.TryRead([0, 0, 0, 0x1C, .. "ftypavif"u8], out _, out problem).Should().BeFalse();
        problem.Should().StartWith("an AVIF image, not");
        byte[] genericAvif = [0, 0, 0, 0x1C, .. "ftypmif1"u8, 0, 0, 0, 0, .. "mif1avifmiaf"u8];
        ImageHeader.TryRead(genericAvif, out _, out problem).Should().BeFalse();
        problem.Should().StartWith("an AVIF image, not", "the generic HEIF brand heads some AVIF files too");
    }

    private static ImageHeader Read(byte[] data)
    {
        ImageHeader.TryRead(data, out var header, out var problem).Should().BeTrue(problem);
        return header;
    }

    private static byte[] Riff(string chunk, int length)
    {
        var data = new byte[length];
        "RIFF"u8.CopyTo(data);
        "WEBP"u8.CopyTo(data.AsSpan(8));
        System.Text.Encoding.ASCII.GetBytes(chunk).CopyTo(data, 12);
        return data;
    }

    private static void Write24(byte[] data, int at, int value)
    {
        data[at] = (byte)value;
        data[at + 1] = (byte)(value >> 8);
        data[at + 2] = (byte)(value >> 16);
    }
}
