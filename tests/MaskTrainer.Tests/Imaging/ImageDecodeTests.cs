using System.Diagnostics;
using System.IO.Compression;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

public sealed class ImageDecodeTests
{
    [SharedFact("data")]
    public void Decodes_every_shared_jpeg_and_png_from_path_and_from_bytes()
    {
        var files = Directory.EnumerateFiles(SharedData.Full("data"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png")
            .ToList();
        files.Should().HaveCountGreaterThan(100);

        foreach (var file in files)
        {
            using var fromPath = ImageCodec.Read(file);
            using var fromBytes = ImageCodec.Decode(File.ReadAllBytes(file), sourceName: file);
            fromPath.Type().Should().Be(MatType.CV_8UC3, file);
            fromPath.Rows.Should().BeGreaterThan(0, file);
            fromBytes.Size().Should().Be(fromPath.Size(), file);
            fromBytes.GetBytes().SequenceEqual(fromPath.GetBytes()).Should().BeTrue(file);

            // The header reader agrees with the decoder (EXIF orientation may swap the sides).
            ImageHeader.TryRead(File.ReadAllBytes(file), out var header, out _).Should().BeTrue(file);
            new[] { new Size(header.Width, header.Height), new Size(header.Height, header.Width) }.Should().Contain(fromPath.Size(), file);
        }
    }

    [Fact]
    public void Png_bytes_saved_with_a_jpg_extension_decode_by_content()
    {
        using var dir = new TempFolder();
        using var image = Gradient(40, 30);
        var path = dir.File("actually-png.jpg");
        File.WriteAllBytes(path, ImageCodec.Encode(".png", image));

        using var decoded = ImageCodec.Read(path);

        decoded.GetBytes().SequenceEqual(image.GetBytes()).Should().BeTrue();
    }

    [Fact]
    public void Jfif_and_jpe_are_image_extensions_written_as_JPEG()
    {
        // Browsers save downloads as .jfif: read everywhere, and written where an output takes the input's name.
        using var dir = new TempFolder("h2-");
        using var image = Gradient(40, 30);
        foreach (var name in new[] { "download.jfif", "old.JPE" })
        {
            ImageCodec.HasImageExtension(name).Should().BeTrue(name);
            var path = dir.File(name);
            ImageCodec.Write(path, image, quality: 95);

            var bytes = File.ReadAllBytes(path);
            ImageHeader.TryRead(bytes, out var header, out _).Should().BeTrue(name);
            header.Format.Should().Be(ImageFormat.Jpeg, name);
            using var back = ImageCodec.Read(path);
            back.Size().Should().Be(image.Size(), name);
        }
    }

    [Fact]
    public void Text_named_jpg_fails_with_a_one_line_error_naming_the_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("notes.jpg");
        File.WriteAllText(path, "hello, this is not a picture\n");

        var error = Assert.Throws<ImageDecodeException>(() => ImageCodec.Read(path));

        error.Message.Should().Be($"{path}: not a JPEG, PNG, BMP or WebP image (starts with \"hello, t\")");
        error.Source.Should().Be(path);
    }

    [Fact]
    public void Empty_file_fails_naming_the_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("empty.png");
        File.WriteAllBytes(path, []);

        AssertDecodeError(() => ImageCodec.Read(path), path, "empty (0 bytes)");
    }

    [Fact]
    public void A_link_loop_fails_naming_the_file_once_and_saying_it_may_be_a_loop()
    {
        // .NET says "Too many levels of symbolic links : '<full path>'"; the path was read as "it".
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("sub"));
        var loop = dir.File("loop.jpg");
        File.CreateSymbolicLink(loop, "loop.jpg");
        var roundabout = Path.Combine(dir.Path, "sub", "..", "loop.jpg"); // .NET names its full path

        AssertDecodeError(() => ImageCodec.Read(loop), loop, "cannot read the file: too many levels of symbolic links (a link loop?)");
        AssertDecodeError(() => ImageCodec.Read(roundabout), roundabout, "cannot read the file: too many levels of symbolic links (a link loop?)");
    }

    [Fact]
    public void Missing_file_fails_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "does-not-exist-" + Guid.NewGuid() + ".jpg");
        AssertDecodeError(() => ImageCodec.Read(path), path, "file not found");
    }

    [Fact]
    public void Folder_instead_of_a_file_fails_naming_it()
    {
        using var dir = new TempFolder();
        AssertDecodeError(() => ImageCodec.Read(dir.Path), dir.Path, OperatingSystem.IsWindows() ? "access denied" : "is a folder, not a file");
    }

    [Fact]
    public void Random_bytes_fail_as_not_an_image()
    {
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0x00; // make sure it does not start like a known format by chance

        AssertDecodeError(() => ImageCodec.Decode(bytes), "<bytes>", "not a JPEG, PNG, BMP or WebP image");
    }

    [SharedFact("data/faces-dlib/images/2008_002506.jpg")]
    public void Truncated_jpeg_fails_instead_of_decoding_grey_padding()
    {
        var bytes = File.ReadAllBytes(ImagingTestData.FaceImage);
        using var dir = new TempFolder();
        var path = dir.File("cut.jpg");
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length * 6 / 10).ToArray());

        AssertDecodeError(() => ImageCodec.Read(path), path, "truncated JPEG (no end-of-image marker)");

        // Cut inside the headers: still a clear error, not a crash.
        AssertDecodeError(() => ImageCodec.Decode(bytes.AsSpan(0, 100), sourceName: "head.jpg"), "head.jpg", "truncated JPEG");
    }

    [Fact]
    public void Truncated_and_corrupted_png_fail_naming_the_source()
    {
        using var image = Noise(64, 64, seed: 1); // noise does not compress: IDAT is most of the file
        var png = ImageCodec.Encode(".png", image);

        // Refused before libpng, which would print "libpng error: PNG input buffer is incomplete" beside our line.
        string stderr = NativeStderr.Capture(() =>
            AssertDecodeError(() => ImageCodec.Decode(png.AsSpan(0, png.Length / 2), sourceName: "half.png"), "half.png", "truncated PNG (ends inside its IDAT chunk)"));
        stderr.Should().BeEmpty();
        int iend = png.AsSpan().LastIndexOf("IEND"u8) - 4;
        AssertDecodeError(() => ImageCodec.Decode(png.AsSpan(0, iend), sourceName: "no-end.png"), "no-end.png", "truncated PNG (no IEND chunk)");
        using (var trailing = ImageCodec.Decode([.. png, .. "after the end"u8], sourceName: "trailing.png"))
        {
            trailing.GetBytes().SequenceEqual(image.GetBytes()).Should().BeTrue("bytes after IEND are not the picture's");
        }

        // libpng reads IEND after the picture: a file that ends inside it fails there (refused
        // before, in one line), while a bad IEND CRC alone decodes to the whole picture, as OpenCV decodes it.
        using (var cutEnd = Cv2.ImDecode(png[..^2], ImreadModes.Color))
        {
            cutEnd.Empty().Should().BeTrue("libpng refuses a file that ends inside IEND");
        }

        stderr = NativeStderr.Capture(() =>
            AssertDecodeError(() => ImageCodec.Decode(png[..^2], sourceName: "h4-iend-cut.png"), "h4-iend-cut.png", "truncated PNG (ends inside its IEND chunk)"));
        stderr.Should().BeEmpty();
        var badEnd = png.ToArray();
        badEnd[^1] ^= 0x01;
        using (var badCrc = ImageCodec.Decode(badEnd, sourceName: "h4-iend-crc.png"))
        {
            badCrc.GetBytes().SequenceEqual(image.GetBytes()).Should().BeTrue("IEND's CRC is not the picture's");
        }

        var corrupted = png.ToArray();
        for (var i = png.Length / 3; i < png.Length / 3 + 64; i++)
        {
            corrupted[i] ^= 0x5A;
        }

        // Refused before libpng, which would print "libpng error: IDAT: CRC error".
        stderr = NativeStderr.Capture(() =>
            AssertDecodeError(() => ImageCodec.Decode(corrupted, sourceName: "bad-crc.png"), "bad-crc.png", "corrupt PNG (CRC error in its IDAT chunk)"));
        stderr.Should().BeEmpty();

        // A comment chunk's CRC is libpng's to warn about: the picture is whole, and decodes.
        byte[] comment = [0, 0, 0, 5, .. "tEXth2-ok"u8, 1, 2, 3, 4];
        int afterHeader = 8 + 25; // the signature, then IHDR: length, type, 13 bytes, CRC
        using var commented = ImageCodec.Decode([.. png.AsSpan(0, afterHeader), .. comment, .. png.AsSpan(afterHeader)], sourceName: "comment.png");
        commented.GetBytes().SequenceEqual(image.GetBytes()).Should().BeTrue();
    }

    [Fact]
    public void Grey_png_decodes_as_three_channel_bgr()
    {
        using var grey = new Mat(30, 50, MatType.CV_8UC1, new Scalar(77));

        using var decoded = ImageCodec.Decode(ImageCodec.Encode(".png", grey));

        decoded.Type().Should().Be(MatType.CV_8UC3);
        decoded.Size().Should().Be(new Size(50, 30));
        decoded.GetBytes().ToArray().Should().OnlyContain(b => b == 77);
    }

    [Fact]
    public void Sixteen_bit_png_decodes_as_eight_bit_bgr_in_color_mode_and_stays_16_bit_unchanged()
    {
        using var deep = new Mat(20, 10, MatType.CV_16UC1, new Scalar(40000));
        var png = ImageCodec.Encode(".png", deep);

        using var color = ImageCodec.Decode(png);
        using var unchanged = ImageCodec.Decode(png, ImreadModes.Unchanged);

        color.Type().Should().Be(MatType.CV_8UC3);
        color.GetBytes().ToArray().Should().OnlyContain(b => b == 40000 / 256);
        unchanged.Type().Should().Be(MatType.CV_16UC1);
    }

    [Fact]
    public void Oversized_png_is_refused_from_its_header_before_decoding()
    {
        // A real PNG header claiming 30000x30000 RGB (2.7 GB decoded) with a small IDAT.
        var png = PngWithHeader(30000, 30000);
        using var dir = new TempFolder();
        var path = dir.File("bomb.png");
        File.WriteAllBytes(path, png);

        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ImageDecodeException>(() => ImageCodec.Read(path));
        clock.Stop();

        error.Message.Should().Be($"{path}: image is 30000x30000 = 900.0 MP, over the 64 MP limit");
        clock.ElapsedMilliseconds.Should().BeLessThan(500);
    }

    [Fact]
    public void Max_pixels_limit_applies_to_real_images()
    {
        using var image = Gradient(100, 80);
        var jpeg = ImageCodec.Encode(".jpg", image, quality: 90);

        AssertDecodeError(() => ImageCodec.Decode(jpeg, maxPixels: 7_999), "<bytes>", "image is 100x80 = 8000 pixels, over the 7999-pixel limit");
        using var ok = ImageCodec.Decode(jpeg, maxPixels: 8_000);
        ok.Size().Should().Be(new Size(100, 80));
    }

    [Fact]
    public void Bmp_round_trips_exactly()
    {
        using var image = Gradient(33, 17);
        var bmp = ImageCodec.Encode(".bmp", image);

        ImageHeader.TryRead(bmp, out var header, out _).Should().BeTrue();
        header.Should().Be(new ImageHeader(ImageFormat.Bmp, 33, 17));
        using var decoded = ImageCodec.Decode(bmp);
        decoded.GetBytes().SequenceEqual(image.GetBytes()).Should().BeTrue();
    }

    [Fact]
    public void Webp_round_trips_closely()
    {
        using var image = Gradient(64, 48);
        var webp = ImageCodec.Encode(".webp", image, quality: 95);

        ImageHeader.TryRead(webp, out var header, out _).Should().BeTrue();
        header.Should().Be(new ImageHeader(ImageFormat.WebP, 64, 48));
        using var decoded = ImageCodec.Decode(webp);
        decoded.Size().Should().Be(new Size(64, 48));
        MeanAbsDiff(decoded.GetBytes(), image.GetBytes()).Should().BeLessThan(4);
    }

    [Fact]
    public void Jpeg_quality_changes_the_size()
    {
        using var image = Noise(64, 64, seed: 3);

        ImageCodec.Encode(".jpg", image, quality: 30).Length.Should().BeLessThan(ImageCodec.Encode("jpg", image, quality: 95).Length);
    }

    [Fact]
    public void ImWrite_replaces_the_file_and_leaves_no_temp_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("out.png");
        File.WriteAllText(path, "old content");
        using var image = Gradient(12, 9);

        ImageCodec.Write(path, image);

        using var back = ImageCodec.Read(path);
        back.GetBytes().SequenceEqual(image.GetBytes()).Should().BeTrue();
        Directory.GetFiles(dir.Path).Should().ContainSingle();
    }

    [Fact]
    public void ImWrite_with_unknown_extension_names_the_file()
    {
        using var dir = new TempFolder();
        var path = dir.File("out.xyz");
        using var image = Gradient(4, 4);

        var error = Assert.Throws<ImageWriteException>(() => ImageCodec.Write(path, image));

        error.Message.Should().Be($"{path}: {error.Reason}");
        error.Path.Should().Be(path);
        error.Reason.Should().StartWith("encoding .xyz: ");
        Directory.GetFiles(dir.Path).Should().BeEmpty();
    }

    private static void AssertDecodeError(Func<Mat> decode, string source, string reasonStart)
    {
        var error = Assert.Throws<ImageDecodeException>(() => decode().Dispose());
        error.Message.Should().StartWith($"{source}: {reasonStart}");
        error.Message.Should().NotContain("\n");
        error.Source.Should().Be(source);
    }

    internal static Mat Gradient(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                pixels[i] = (byte)(x * 255 / width);
                pixels[i + 1] = (byte)(y * 255 / height);
                pixels[i + 2] = (byte)((x + y) * 2);
            }
        }

        return MatExtensions.FromPixels(pixels, height, width, MatType.CV_8UC3);
    }

    private static Mat Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return MatExtensions.FromPixels(pixels, height, width, MatType.CV_8UC3);
    }

    private static double MeanAbsDiff(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return (double)sum / a.Length;
    }

    private static byte[] PngWithHeader(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type RGB
        WriteChunk(png, "IHDR", ihdr);
        using (var zipped = new MemoryStream())
        {
            using (var z = new ZLibStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
            {
                z.Write(new byte[(width * 3) + 1]); // one row of zeros
            }

            WriteChunk(png, "IDAT", zipped.ToArray());
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeBytes, data));
        s.Write(word);
    }

    private static uint Crc32(byte[] type, byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in type.Concat(data))
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
