using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

/// <summary>Writes frames to a video file (cv::VideoWriter). The file is complete only after <see cref="Release"/> or Dispose.</summary>
public sealed class VideoWriter : IDisposable
{
    private readonly VideoWriterHandle _handle;

    /// <summary>
    /// Opens <paramref name="path"/> for writing. <paramref name="fourcc"/> is four characters,
    /// e.g. "mp4v" for .mp4 or "MJPG" for .avi. Throws <see cref="OpenCvException"/> naming the
    /// file when no back-end can write it.
    /// </summary>
    public VideoWriter(string path, string fourcc, double fps, Size frameSize, bool isColor = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fourcc);
        if (fourcc.Length != 4)
        {
            throw new ArgumentException($"a FourCC has 4 characters, got \"{fourcc}\"", nameof(fourcc));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fps);
        if (frameSize.Width <= 0 || frameSize.Height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameSize), frameSize, "frame size must be positive");
        }

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new OpenCvException($"{path}: cannot write video, folder {directory} does not exist");
        }

        var status = NativeMethods.mt_writer_open(path, fourcc, fps, frameSize.Width, frameSize.Height, isColor ? 1 : 0, out var handle, out var opened);
        if (status != 0)
        {
            handle.Dispose();
            throw NativeError.Create(status, $"{path}: cannot write video");
        }

        if (opened == 0)
        {
            handle.Dispose();
            throw new OpenCvException($"{path}: cannot write video with FourCC '{fourcc}' (codec or container not supported by OpenCV's back-ends?)");
        }

        _handle = handle;
        Path = path;
        FrameSize = frameSize;
        IsColor = isColor;
    }

    public string Path { get; }

    public Size FrameSize { get; }

    public bool IsColor { get; }

    /// <summary>
    /// Appends a frame: 8-bit, 3 channels when colour (1 when not), exactly <see cref="FrameSize"/>.
    /// Checked here because OpenCV's back-ends silently drop frames that do not match.
    /// </summary>
    public void Write(Mat frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var expected = IsColor ? MatType.U8C3 : MatType.U8C1;
        if (frame.Type != expected || frame.Size != FrameSize)
        {
            throw new OpenCvException($"{Path}: frame is {frame.Size} {frame.Type}, the writer expects {FrameSize} {expected}");
        }

        var status = NativeMethods.mt_writer_write(_handle, frame.Handle);
        if (status != 0)
        {
            throw NativeError.Create(status, $"{Path}: write failed");
        }
    }

    /// <summary>Finishes and closes the file; safe to call more than once.</summary>
    public void Release() => _handle.Dispose();

    public void Dispose() => Release();
}
