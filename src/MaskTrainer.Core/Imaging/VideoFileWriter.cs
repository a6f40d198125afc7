using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>
/// A video file being written (from <see cref="VideoIo.CreateWriter"/>). OpenCV's writer drops a
/// frame of the wrong size or type without a word, so a mistake would silently shorten the
/// video; this one refuses it. The file is complete only after Dispose.
/// A frame of odd width or height is stored one column or row larger (<see cref="StoredSize"/>),
/// a copy of its last: OpenCV's FFmpeg writer takes even sizes only (its pixel formats halve the
/// colour planes) and cut a 501x377 frame to 500x376, losing the last column and row.
/// </summary>
public sealed class VideoFileWriter : IDisposable
{
    private readonly VideoWriter _writer;
    private readonly MatType _type;

    // The even-sized copy of an odd-sized frame, reused from frame to frame (null for even sizes).
    private readonly Mat? _padded;

    /// <param name="storedSize"><see cref="EvenSize"/> of <paramref name="frameSize"/>, the size <paramref name="writer"/> was opened with.</param>
    internal VideoFileWriter(VideoWriter writer, string path, Size frameSize, Size storedSize, bool isColor)
    {
        _writer = writer;
        Path = path;
        FrameSize = frameSize;
        StoredSize = storedSize;
        _type = isColor ? MatType.CV_8UC3 : MatType.CV_8UC1;
        _padded = StoredSize == frameSize ? null : new Mat(StoredSize, _type);
    }

    /// <summary>The size the file stores: <see cref="FrameSize"/>, one larger in a dimension that is odd.</summary>
    public Size StoredSize { get; }

    /// <summary><paramref name="size"/> rounded up to even width and height.</summary>
    public static Size EvenSize(Size size) => new(size.Width + (size.Width & 1), size.Height + (size.Height & 1));

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>The size every frame must have.</summary>
    public Size FrameSize { get; }

    /// <summary>Appends <paramref name="frame"/>; throws <see cref="ImagingException"/> if its size or type is not the writer's.</summary>
    public void Write(Mat frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int cols = frame.Cols, rows = frame.Rows;
        var type = frame.Type();
        if (cols != FrameSize.Width || rows != FrameSize.Height || type != _type)
        {
            throw new ImagingException($"{Path}: frame is {cols}x{rows} {Describe(type)}, the writer expects {FrameSize.Width}x{FrameSize.Height} {Describe(_type)}");
        }

        if (_padded is null)
        {
            _writer.Write(frame);
            return;
        }

        // Replicated rather than black: a codec blurs across the edge, and a black line would bleed into the picture.
        Cv2.CopyMakeBorder(frame, _padded, 0, StoredSize.Height - rows, 0, StoredSize.Width - cols, BorderTypes.Replicate);
        _writer.Write(_padded);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _padded?.Dispose();
    }

    private static string Describe(MatType type) =>
        type == MatType.CV_8UC3 ? "U8C3" : type == MatType.CV_8UC1 ? "U8C1" : type.ToString();
}
