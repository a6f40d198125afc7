using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>
/// A video file being written (from <see cref="VideoIo.CreateWriter"/>). OpenCV's writer drops a
/// frame of the wrong size or type without a word, so a mistake would silently shorten the
/// video; this one refuses it. The file is complete only after Dispose.
/// </summary>
public sealed class VideoFileWriter : IDisposable
{
    private readonly VideoWriter _writer;
    private readonly MatType _type;

    internal VideoFileWriter(VideoWriter writer, string path, Size frameSize, bool isColor)
    {
        _writer = writer;
        Path = path;
        FrameSize = frameSize;
        _type = isColor ? MatType.CV_8UC3 : MatType.CV_8UC1;
    }

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

        _writer.Write(frame);
    }

    public void Dispose() => _writer.Dispose();

    private static string Describe(MatType type) =>
        type == MatType.CV_8UC3 ? "U8C3" : type == MatType.CV_8UC1 ? "U8C1" : type.ToString();
}
