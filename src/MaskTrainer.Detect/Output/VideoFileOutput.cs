using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Output;

/// <summary>
/// Writes the annotated frames to a video file, opened at the first frame (its size is known
/// then). Dispose finishes the file; the app does so on Ctrl+C too, so the file stays playable.
/// </summary>
public sealed class VideoFileOutput : IDisposable
{
    private readonly double _fps;
    private VideoFileWriter? _writer;

    /// <param name="path">.mp4, .m4v, .mov or .avi.</param>
    /// <param name="fps">Frame rate stored in the file (the source's rate).</param>
    public VideoFileOutput(string path, double fps)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        _fps = fps > 0 ? fps : 25;
    }

    public string Path { get; }

    public long FramesWritten { get; private set; }

    public void Write(Mat frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _writer ??= VideoIo.CreateWriter(Path, OutputFiles.FourCcFor(Path), _fps, frame.Size());
        _writer.Write(frame);
        FramesWritten++;
    }

    public void Dispose() => _writer?.Dispose();
}
