using MaskTrainer.Data;
using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Output;

/// <summary>
/// Writes the annotated frames to a video file, opened at the first frame (its size is known
/// then). The frames go to a hidden file beside <see cref="Path"/>, which <see cref="Commit"/>
/// finishes and renames into place: a run that fails, or is killed, leaves the previous file at
/// that path as it was (no half-written video where a whole one was); a killed one leaves that
/// hidden file behind. The app commits on Ctrl+C too, so the frames read until then make a playable file.
/// </summary>
public sealed class VideoFileOutput : IDisposable
{
    private readonly double _fps;
    private readonly string _temp;
    private readonly string _target;
    private VideoFileWriter? _writer;
    private bool _committed;

    /// <param name="path">.mp4, .m4v, .mov or .avi.</param>
    /// <param name="fps">Frame rate stored in the file (the source's rate).</param>
    public VideoFileOutput(string path, double fps)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        _fps = fps > 0 ? fps : 25;

        // Same folder (a rename, not a copy) and same extension (FFmpeg picks the container by it).
        var full = FilePaths.WriteTarget(path); // an -o naming a link writes the file it points to
        _target = full;
        _temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!,
            $".{System.IO.Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}.partial{System.IO.Path.GetExtension(full)}");
    }

    public string Path { get; }

    /// <summary>The frame rate stored in the file.</summary>
    public double Fps => _fps;

    public long FramesWritten { get; private set; }

    public void Write(Mat frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ObjectDisposedException.ThrowIf(_committed, this);
        _writer ??= VideoIo.CreateWriter(_temp, OutputFiles.FourCcFor(Path), _fps, frame.Size(), shownAs: Path);
        _writer.Write(frame);
        FramesWritten++;
    }

    /// <summary>Finishes the file and moves it to <see cref="Path"/> (replacing what was there); nothing when no frame was written.</summary>
    public void Commit()
    {
        if (_committed)
        {
            return;
        }

        _committed = true;
        if (_writer is null)
        {
            return;
        }

        _writer.Dispose();
        _writer = null;
        // OpenCV's writer reports no write error: on a full disk it leaves a cut file and says nothing.
        // A file whose container does not hold every frame written is not put in place of the old one.
        // The count is the container's (some back-ends estimate it from the duration): short by more
        // than an estimate's error (2 %, at least 2 frames), or no file that reads back at all, is a cut file.
        long found = FramesIn(_temp);
        if (found <= 0 || found < FramesWritten - Math.Max(2, FramesWritten / 50))
        {
            var why = WhyCut(found); // while the cut file still takes its space
            FilePaths.TryDelete(_temp);
            throw new IOException($"{Path}: the video could not be written whole ({why}); nothing was put in its place");
        }

        try
        {
            File.Move(_temp, _target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The finished video is whole: keep it, and say where (the target may be open in a player on Windows).
            throw new IOException($"{Path}: could not replace it with the finished video, kept as {_temp}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Why the finished file holds fewer frames than were written, as far as can be told: its folder
    /// or the file itself removed meanwhile, a full disk, or a folder that no longer takes a file
    /// (the system's own words for it); else only what was read back.
    /// </summary>
    private string WhyCut(long found)
    {
        var read = found <= 0 ? "it cannot be read back" : $"{found} of its {FramesWritten} frames read back";
        var folder = System.IO.Path.GetDirectoryName(_temp)!;
        if (!Directory.Exists(folder))
        {
            return $"its folder {folder} was removed while it was being written";
        }

        if (!File.Exists(_temp))
        {
            return $"the unfinished file {_temp} was removed while it was being written";
        }

        try
        {
            // Less room than a few frames take: the writer ran out of space (OpenCV does not say so).
            long free = new DriveInfo(folder).AvailableFreeSpace;
            long perFrame = new FileInfo(_temp).Length / Math.Max(1, found);
            if (free < Math.Max(FullDiskBytes, 4 * perFrame))
            {
                return $"{read}: the disk is full, {free / 1024} KB free in {folder}";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No free-space figure for this folder: the probe below still tells a folder that takes no file.
        }

        return FilePaths.WhyNoFileIn(folder) is { } unwritable ? $"{read}: {unwritable}" : read;
    }

    // Below this much free space a cut video is put down to a full disk.
    private const long FullDiskBytes = 1 << 20;

    /// <summary>The frames <paramref name="path"/>'s container says it holds (its index; nothing is decoded); 0 when it cannot be opened.</summary>
    private static long FramesIn(string path)
    {
        using var capture = new VideoCapture(path);
        return capture.IsOpened() ? (long)capture.Get(VideoCaptureProperties.FrameCount) : 0;
    }

    /// <summary>Without <see cref="Commit"/> (a failed run): closes and deletes the unfinished file.</summary>
    public void Dispose()
    {
        if (_writer is null)
        {
            return;
        }

        _writer.Dispose();
        _writer = null;
        FilePaths.TryDelete(_temp);
    }
}
