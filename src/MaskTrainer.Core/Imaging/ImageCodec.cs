using MaskTrainer.Data;
using System.Buffers;
using System.Globalization;
using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>
/// Reads, decodes, encodes and writes images through OpenCV with the checks OpenCV lacks: the
/// header is read first (<see cref="ImageHeader"/>) so that a file that is not an image, a
/// decompression bomb or a cut-off JPEG gets a one-line <see cref="ImageDecodeException"/> that
/// names the file, instead of an empty Mat or a grey-padded picture. Use these instead of
/// <c>Cv2.ImRead</c>/<c>Cv2.ImDecode</c>/<c>Cv2.ImWrite</c> for anything a user supplies.
/// </summary>
public static class ImageCodec
{
    /// <summary>
    /// The image file extensions the project reads and writes: the formats <see cref="ImageHeader"/>
    /// checks (JPEG, PNG, BMP, WebP). .jpe and .jfif are JPEGs too (browsers save downloads as
    /// .jfif). Training folders, evaluate, synth-masks, the detector's --images and its outputs use
    /// this one list.
    /// </summary>
    public static readonly IReadOnlyList<string> Extensions = [".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".bmp", ".webp"];

    /// <summary>True when <paramref name="path"/> ends in one of <see cref="Extensions"/> (any case).</summary>
    public static bool HasImageExtension(string path)
    {
        var ext = Path.GetExtension(path);
        foreach (var e in Extensions)
        {
            if (string.Equals(e, ext, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Why a file without one of <see cref="Extensions"/> is set aside, for the lists that name
    /// every such file: a format people have that we do not read (HEIC, AVIF, GIF, TIFF) in the
    /// words the decoder uses for its content ("a HEIC/HEIF photo (an iPhone's), not a JPEG, PNG, BMP
    /// or WebP image: convert it to JPEG or PNG"), else "not an image extension (.txt)". Known by
    /// the extension, or by <paramref name="head"/>, the file's first bytes, when the caller read them.
    /// </summary>
    public static string NotAnImageReason(string path, ReadOnlySpan<byte> head = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var extension = Path.GetExtension(path);
        if ((ImageHeader.KnownOtherByExtension(extension) ?? ImageHeader.KnownOther(head)) is { } format)
        {
            return ImageHeader.Unsupported(format);
        }

        return extension.Length == 0 ? "not an image extension (none)" : $"not an image extension ({extension})";
    }

    /// <summary>Default cap on decoded pixels (64 MP, about 190 MB as BGR): far above any photo we need.</summary>
    public const long DefaultMaxPixels = 64_000_000;

    /// <summary>
    /// Reads and decodes an image file to 8-bit BGR (or grey). The format is taken from the
    /// content, not the extension. Throws <see cref="ImageDecodeException"/> when the file is
    /// missing, not a regular file (a named pipe, a socket, a device: never opened), empty, not a JPEG/PNG/BMP/WebP, truncated, corrupt, or over <paramref name="maxPixels"/>.
    /// </summary>
    public static Mat Read(string path, ImreadModes mode = ImreadModes.Color, long maxPixels = DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        var buffer = RentFileBytes(path, out int length);
        try
        {
            return Decode(buffer.AsSpan(0, length), mode, maxPixels, path);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The whole file <paramref name="path"/> in a buffer rented from <see cref="ArrayPool{T}.Shared"/>
    /// (the caller returns it), its first <paramref name="length"/> bytes: for a caller that looks at the
    /// bytes before it decodes them (<see cref="Decode"/>), so that both see one version of the file.
    /// </summary>
    /// <exception cref="ImageDecodeException">As <see cref="Read"/>: missing, not a regular file, unreadable, too large.</exception>
    internal static byte[] RentFileBytes(string path, out int length)
    {
        ArgumentNullException.ThrowIfNull(path);
        // A named pipe would block the open below until something writes to it: never, in a photo folder.
        if (FilePaths.WhyNotRegularFile(path) is { } special)
        {
            throw new ImageDecodeException(path, special);
        }

        byte[]? buffer = null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            if (stream.Length > int.MaxValue)
            {
                throw new ImageDecodeException(path, $"file is {stream.Length} bytes, too large for an image");
            }

            length = (int)stream.Length;
            buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            stream.ReadExactly(buffer, 0, length);
            return buffer;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            throw Unreadable(path, e);
        }
    }

    /// <summary>An I/O failure reading <paramref name="path"/> as a one-line <see cref="ImageDecodeException"/>.</summary>
    private static ImageDecodeException Unreadable(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => new ImageDecodeException(path, "file not found", e),
        UnauthorizedAccessException => new ImageDecodeException(path, Directory.Exists(path) ? "is a folder, not a file" : "access denied", e),
        // Worded as the folder listing words it (the path is said once, before the reason).
        _ => new ImageDecodeException(path, ImageFolderDataset.CannotRead(path, e), e),
    };

    /// <summary>
    /// Decodes an encoded image held in memory; <paramref name="sourceName"/> (default "&lt;bytes&gt;")
    /// names it in error messages. Same checks and errors as <see cref="Read"/>.
    /// </summary>
    public static Mat Decode(ReadOnlySpan<byte> bytes, ImreadModes mode = ImreadModes.Color, long maxPixels = DefaultMaxPixels, string? sourceName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        var source = sourceName ?? "<bytes>";
        if (!ImageHeader.TryRead(bytes, out var header, out var problem, out var scanStart))
        {
            throw new ImageDecodeException(source, problem);
        }

        if (header.Pixels > maxPixels)
        {
            var size = header.Pixels >= 100_000
                ? string.Create(CultureInfo.InvariantCulture, $"{header.Pixels / 1e6:0.0} MP")
                : $"{header.Pixels} pixels";
            var limit = maxPixels >= 1_000_000
                ? string.Create(CultureInfo.InvariantCulture, $"{maxPixels / 1e6:0.##} MP limit")
                : $"{maxPixels}-pixel limit";
            throw new ImageDecodeException(source, $"image is {header.Width}x{header.Height} = {size}, over the {limit}");
        }

        // libjpeg only warns about a missing end (and pads the picture with grey), so a cut-off
        // download would decode "fine": require the end-of-image marker after the image data.
        if (header.Format == ImageFormat.Jpeg && bytes[scanStart..].LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < 0)
        {
            throw new ImageDecodeException(source, "truncated JPEG (no end-of-image marker)");
        }

        if (header.Format == ImageFormat.Png && ImageHeader.PngProblem(bytes) is { } damaged)
        {
            throw new ImageDecodeException(source, damaged);
        }

        // libjpeg decodes corrupt image data too, printing a warning that names no file and
        // making up what it could not read (the lower part of the picture is garbage): its
        // entropy-coded data are walked first (about half a decode), so such a file is refused here.
        if (header.Format == ImageFormat.Jpeg && JpegEntropyCheck.FindCorruption(bytes) is { } corrupt)
        {
            throw new ImageDecodeException(source, corrupt);
        }

        Mat mat;
        try
        {
            mat = Cv2.ImDecode(bytes, mode);
        }
        catch (OpenCVException e)
        {
            throw new ImageDecodeException(source, $"OpenCV failed to decode the {header.Format} data: {e.Message}", e);
        }

        if (mat.Empty())
        {
            mat.Dispose();
            throw new ImageDecodeException(source, $"corrupt or truncated {header.Format} data ({header.Width}x{header.Height} header, OpenCV could not decode it)");
        }

        return mat;
    }

    /// <summary>
    /// Encodes to an in-memory file of the format named by <paramref name="extension"/>
    /// (one of <see cref="Extensions"/>). <paramref name="quality"/> (1..100, -1 = OpenCV's
    /// default) applies to JPEG and WebP and is ignored by lossless formats.
    /// </summary>
    public static byte[] Encode(string extension, Mat image, int quality = -1)
    {
        ArgumentNullException.ThrowIfNull(extension);
        ArgumentNullException.ThrowIfNull(image);
        var ext = extension.StartsWith('.') ? extension.ToLowerInvariant() : "." + extension.ToLowerInvariant();
        if (ext == ".jfif")
        {
            ext = ".jpg"; // a JPEG by another name, which OpenCV's encoder does not know
        }
        if (quality != -1 && quality is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "quality is 1..100, or -1 for the default");
        }

        if (image.Empty())
        {
            throw new ArgumentException($"cannot encode an empty image as {ext}", nameof(image));
        }

        ImageEncodingParam[] parameters = quality == -1 ? []
            : ext is ".jpg" or ".jpeg" or ".jpe" ? [new ImageEncodingParam(ImwriteFlags.JpegQuality, quality)]
            : ext == ".webp" ? [new ImageEncodingParam(ImwriteFlags.WebPQuality, quality)]
            : [];
        try
        {
            Cv2.ImEncode(ext, image, out var encoded, parameters);
            return encoded;
        }
        catch (OpenCVException e)
        {
            throw new ImagingException($"encoding {ext}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Encodes by the path's extension and writes the file atomically: to a temporary file in the
    /// same folder, then renamed over <paramref name="path"/>, so readers never see half a file.
    /// Throws <see cref="ImageWriteException"/> naming the file and the problem.
    /// </summary>
    public static void Write(string path, Mat image, int quality = -1)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(image);
        var ext = Path.GetExtension(path);
        if (string.IsNullOrEmpty(ext))
        {
            throw new ArgumentException($"{path}: no extension to choose the image format by", nameof(path));
        }

        byte[] encoded;
        try
        {
            encoded = Encode(ext, image, quality);
        }
        catch (ImagingException e)
        {
            throw new ImageWriteException(path, e.Message, e);
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new ImageWriteException(path, "a folder of that name is in the way");
        }

        try
        {
            // Not flushed to disk: an annotated copy is redone by running again, and a batch writes hundreds.
            Model.AtomicFile.Write(full, stream => stream.Write(encoded), flushToDisk: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageWriteException(path, FilePaths.WhyNotWritten(e, Path.GetDirectoryName(full)!), e);
        }
    }
}
