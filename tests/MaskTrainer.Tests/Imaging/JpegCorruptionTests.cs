using System.Diagnostics;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Tests.Imaging;

/// <summary>
/// JPEGs whose image data are corrupt but whose markers are whole: libjpeg decodes them with a
/// warning on stderr that names no file and garbage in the picture, so OpenCV alone hands back a
/// filled Mat. <see cref="ImageCodec.Decode"/> refuses them in its one-line error, before libjpeg
/// runs (nothing reaches stderr), and decodes good files as OpenCV does.
/// </summary>
public sealed class JpegCorruptionTests
{
    private const string Photo = "data/faces-dlib/images/2008_002506.jpg";

    public static TheoryData<string> Encodings => ["baseline", "progressive", "restart-interval", "grey", "grey-progressive"];

    [SharedTheory(Photo)]
    [MemberData(nameof(Encodings))]
    public void A_good_jpeg_decodes_to_what_OpenCV_makes_of_it(string encoding)
    {
        var jpeg = Encode(encoding);

        using var ours = ImageCodec.Decode(jpeg, sourceName: "h2-good.jpg");
        using var theirs = Cv2.ImDecode(jpeg, ImreadModes.Color);

        ours.Size().Should().Be(theirs.Size());
        ours.GetBytes().SequenceEqual(theirs.GetBytes()).Should().BeTrue();
    }

    [SharedTheory(Photo)]
    [MemberData(nameof(Encodings))]
    public void Scrambled_image_data_are_refused_in_one_line_before_libjpeg_prints_anything(string encoding)
    {
        // As the probe's file: 600 bytes from a third into the scans replaced, the end marker kept.
        var jpeg = Encode(encoding);
        int scan = ScanStart(jpeg);
        var garbled = Garble(jpeg, scan + (jpeg.Length - scan) / 3, 600, new Random(7));
        using (var silent = Cv2.ImDecode(garbled, ImreadModes.Color))
        {
            silent.Empty().Should().BeFalse("OpenCV on its own decodes the garbage: what the check is for");
        }

        ImageDecodeException? error = null;
        var stderr = NativeStderr.Capture(() => error = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(garbled, sourceName: "h2-garbled.jpg").Dispose()));

        error!.Message.Should().StartWith("h2-garbled.jpg: corrupt JPEG data (").And.NotContain("\n");
        stderr.Should().BeEmpty();
    }

    [SharedFact(Photo)]
    public void A_missing_restart_marker_is_named()
    {
        var jpeg = Encode("restart-interval");
        int scan = ScanStart(jpeg);
        int rst1 = jpeg.AsSpan(scan).IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD1]) + scan;
        var cut = jpeg.AsSpan(0, rst1).ToArray().Concat(jpeg.AsSpan(rst1 + 2).ToArray()).ToArray();

        Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(cut, sourceName: "h2-rst.jpg").Dispose())
            .Message.Should().Be("h2-rst.jpg: corrupt JPEG data (restart marker RST1 missing)");
    }

    [SharedTheory(Photo)]
    [MemberData(nameof(Encodings))]
    public void Image_data_cut_short_before_the_end_marker_are_refused(string encoding)
    {
        // A download cut off and closed by a tool that writes the end marker.
        var jpeg = Encode(encoding);
        int scan = ScanStart(jpeg);
        var cut = jpeg.AsSpan(0, scan + (jpeg.Length - scan) / 2).ToArray().Concat(new byte[] { 0xFF, 0xD9 }).ToArray();

        Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(cut, sourceName: "h2-cut.jpg").Dispose())
            .Message.Should().StartWith("h2-cut.jpg: corrupt JPEG data (");
    }

    [SharedTheory(Photo)]
    [MemberData(nameof(Encodings))]
    public void Bytes_left_over_before_the_end_marker_are_let_be_as_libjpeg_lets_them_be(string encoding)
    {
        // Zero padding (some encoders) and other spare bytes (Kaggle's cats and dogs, some
        // scanners) after the last block: libjpeg only warns and the picture is intact, so such
        // a photo is decoded, not refused.
        var jpeg = Encode(encoding);
        var body = jpeg.AsSpan(0, jpeg.Length - 2).ToArray();
        using var plain = ImageCodec.Decode(jpeg, sourceName: "h4-plain.jpg");

        foreach (var spare in new byte[][] { [0, 0, 0, 0], [0x12, 0x34, 0x56], [0xFF, 0x00, 0x7F] })
        {
            var padded = body.Concat(spare).Concat(new byte[] { 0xFF, 0xD9 }).ToArray();
            JpegEntropyCheck.FindCorruption(padded).Should().BeNull(System.Convert.ToHexString(spare));
            using var decoded = ImageCodec.Decode(padded, sourceName: "h4-spare.jpg");
            decoded.GetBytes().SequenceEqual(plain.GetBytes()).Should().BeTrue(System.Convert.ToHexString(spare));
        }
    }

    [SharedFact("data/mask-sample", "data/faces-dlib")]
    public void No_jpeg_of_the_shared_datasets_is_refused()
    {
        // Every photo there is good: a check that refuses one of them costs a training photo.
        var jpegs = new[] { "data/mask-sample", "data/faces-dlib" }
            .SelectMany(d => Directory.EnumerateFiles(SharedData.Full(d), "*", SearchOption.AllDirectories))
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg")
            .ToList();
        jpegs.Should().NotBeEmpty();

        var refused = jpegs
            .Select(f => (File: f, Problem: JpegEntropyCheck.FindCorruption(File.ReadAllBytes(f))))
            .Where(r => r.Problem is not null)
            .Select(r => $"{r.File}: {r.Problem}")
            .ToList();

        refused.Should().BeEmpty($"all {jpegs.Count} JPEGs are intact");
    }

    [MagickSharedFact(Photo)]
    public void ImageMagicks_sampling_factors_and_progressive_files_pass_and_their_garbled_copies_do_not()
    {
        var temp = Path.Combine(Path.GetTempPath(), "h2-jpeg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            foreach (var (name, options) in new[] { ("444", "-sampling-factor 4:4:4"), ("422", "-sampling-factor 4:2:2"), ("411", "-sampling-factor 4:1:1"), ("progressive", "-interlace JPEG -sampling-factor 4:4:4"), ("cmyk", "-colorspace CMYK") })
            {
                var path = Path.Combine(temp, name + ".jpg");
                Convert([SharedData.Full(Photo), .. options.Split(' '), path]);
                var jpeg = File.ReadAllBytes(path);
                using (var good = ImageCodec.Decode(jpeg, sourceName: path))
                using (var opencv = Cv2.ImDecode(jpeg, ImreadModes.Color))
                {
                    good.GetBytes().SequenceEqual(opencv.GetBytes()).Should().BeTrue(name);
                }

                var garbled = Garble(jpeg, ScanStart(jpeg) + 100, 400, new Random(3));
                Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(garbled, sourceName: name).Dispose())
                    .Message.Should().StartWith($"{name}: corrupt JPEG data (", name);
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The shared photo encoded by OpenCV as <paramref name="encoding"/> says.</summary>
    private static byte[] Encode(string encoding)
    {
        using var photo = ImageCodec.Read(SharedData.Full(Photo));
        using var grey = photo.CvtColor(ColorConversionCodes.BGR2GRAY);
        var image = encoding.StartsWith("grey", StringComparison.Ordinal) ? grey : photo;
        ImageEncodingParam[] parameters = encoding switch
        {
            "progressive" or "grey-progressive" => [new(ImwriteFlags.JpegProgressive, 1)],
            "restart-interval" => [new(ImwriteFlags.JpegRstInterval, 4)],
            _ => [],
        };
        Cv2.ImEncode(".jpg", image, out var jpeg, parameters);
        return jpeg;
    }

    /// <summary>
    /// A copy of <paramref name="jpeg"/> with <paramref name="length"/> bytes from <paramref name="start"/>
    /// replaced by random ones, none FF: the markers (an FF and the byte after it) stay as they were.
    /// </summary>
    private static byte[] Garble(byte[] jpeg, int start, int length, Random random)
    {
        var garbled = jpeg.ToArray();
        for (int i = start; i < start + length; i++)
        {
            if (jpeg[i] != 0xFF && jpeg[i - 1] != 0xFF)
            {
                garbled[i] = (byte)random.Next(0xFF);
            }
        }

        garbled.Should().NotEqual(jpeg);
        return garbled;
    }

    /// <summary>Where the first scan's image data start: after the first SOS segment.</summary>
    private static int ScanStart(byte[] jpeg)
    {
        int sos = jpeg.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]);
        sos.Should().BePositive();
        return sos + 2 + (jpeg[sos + 2] << 8 | jpeg[sos + 3]);
    }

    private static void Convert(string[] args)
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
