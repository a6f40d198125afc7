using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>
/// Opens cameras, video files and video writers through OpenCV with one-line errors that name the
/// device or file. OpenCV itself only answers "not opened", and on Linux it logs V4L2/FFmpeg
/// warnings for a missing camera; these checks run first so the user sees why.
/// </summary>
public static class VideoIo
{
    /// <summary>
    /// Opens camera <paramref name="index"/>. Throws <see cref="CameraUnavailableException"/> when
    /// it is missing (no /dev/videoN on Linux), in use, or not permitted.
    /// </summary>
    public static VideoCapture OpenCamera(int index, VideoCaptureAPIs api = VideoCaptureAPIs.ANY)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var device = $"/dev/video{index}";
        var checkDevice = OperatingSystem.IsLinux() && api is VideoCaptureAPIs.ANY or VideoCaptureAPIs.V4L2;
        if (checkDevice && !File.Exists(device))
        {
            throw new CameraUnavailableException(index, $"camera {index} could not be opened (no {device}?)");
        }

        var capture = new VideoCapture();
        try
        {
            if (!capture.Open(index, api) || !capture.IsOpened())
            {
                var hint = checkDevice ? $"{device} exists: in use by another program, no permission, or not a capture device?" : "not connected, in use, or no permission?";
                throw new CameraUnavailableException(index, $"camera {index} could not be opened ({hint})");
            }

            return capture;
        }
        catch (OpenCVException e)
        {
            capture.Dispose();
            throw new CameraUnavailableException(index, $"camera {index} could not be opened: {e.Message}");
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    /// <summary>cv::CAP_PROP_N_THREADS, the FFmpeg back-end's decoding threads, which OpenCvSharp's enum lacks.</summary>
    public const VideoCaptureProperties DecodeThreadsProperty = (VideoCaptureProperties)70;

    /// <summary>
    /// Opens a video file (or an image sequence pattern with <see cref="VideoCaptureAPIs.IMAGES"/>).
    /// <paramref name="decodeThreads"/> caps the decoder's threads (FFmpeg back-end; 0 = the
    /// back-end's default, one per core): FFmpeg's frame threads cost about 30 % more CPU a
    /// 720p H.264 frame than one thread (5.4-6.3 against 4.3-4.7 ms here), worth it only when
    /// decoding is all there is to do.
    /// </summary>
    public static VideoCapture OpenFile(string path, VideoCaptureAPIs api = VideoCaptureAPIs.ANY, int decodeThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(decodeThreads);
        if (api != VideoCaptureAPIs.IMAGES && !File.Exists(path))
        {
            throw new ImagingException(Directory.Exists(path) ? $"{path}: is a folder, not a video file" : $"{path}: video file not found");
        }

        // Only an open parameter sets the decoder's threads, and only FFmpeg knows it: OpenCV's
        // other back-ends refuse an open with a parameter they do not know, so a file that FFmpeg
        // cannot read is opened again without it, by whichever back-end can.
        if (decodeThreads > 0 && api is (VideoCaptureAPIs.ANY or VideoCaptureAPIs.FFMPEG)
            && TryOpen(path, VideoCaptureAPIs.FFMPEG, [(int)DecodeThreadsProperty, decodeThreads]) is { } ffmpeg)
        {
            return ffmpeg;
        }

        return TryOpen(path, api, null)
            ?? throw new ImagingException($"{path}: cannot open video (unreadable, or not a video OpenCV's back-ends can decode)");
    }

    /// <summary>The opened capture, or null when no back-end opened it.</summary>
    private static VideoCapture? TryOpen(string path, VideoCaptureAPIs api, int[]? parameters)
    {
        VideoCapture? capture = null;
        try
        {
            if (parameters is null)
            {
                capture = new VideoCapture();
                capture.Open(path, api);
            }
            else
            {
                capture = new VideoCapture(path, api, parameters);
            }

            if (!capture.IsOpened())
            {
                return null;
            }

            var opened = capture;
            capture = null;
            return opened;
        }
        catch (OpenCVException e)
        {
            throw new ImagingException($"{path}: cannot open video: {e.Message}", e);
        }
        finally
        {
            capture?.Dispose();
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> for writing. <paramref name="fourcc"/> is four characters,
    /// e.g. "mp4v" for .mp4 or "MJPG" for .avi. Throws <see cref="ImagingException"/> naming the
    /// file when no back-end can write it. The file is complete only after Dispose.
    /// </summary>
    /// <param name="shownAs">The name errors give the file (the user's, where <paramref name="path"/> is a temp file); default <paramref name="path"/>.</param>
    public static VideoFileWriter CreateWriter(string path, string fourcc, double fps, Size frameSize, bool isColor = true, string? shownAs = null)
    {
        string name = shownAs ?? path;
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

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new ImagingException($"{name}: cannot write video, folder {directory} does not exist");
        }

        var storedSize = VideoFileWriter.EvenSize(frameSize);
        VideoWriter writer;
        try
        {
            writer = new VideoWriter(path, FourCC.FromString(fourcc), fps, storedSize, isColor);
        }
        catch (OpenCVException e)
        {
            throw new ImagingException($"{name}: cannot write video: {e.Message}", e);
        }

        if (!writer.IsOpened())
        {
            writer.Dispose();
            // OpenCV says only that it failed: a folder it may not write in is the likelier cause than the codec.
            throw new ImagingException($"{name}: " + (WhyNotCreatable(path) ?? $"cannot write video with FourCC '{fourcc}' (codec or container not supported by OpenCV's back-ends?)"));
        }

        try
        {
            return new VideoFileWriter(writer, path, frameSize, storedSize, isColor);
        }
        catch
        {
            // E.g. the padding Mat of an odd size cannot be allocated: the open writer would hold the file until finalised.
            writer.Dispose();
            throw;
        }
    }

    /// <summary>Why a file cannot be created at <paramref name="path"/>; null when it can (a file made to find out is removed again).</summary>
    private static string? WhyNotCreatable(string path)
    {
        bool existed = File.Exists(path);
        try
        {
            using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Data.FilePaths.WhyNotWritten(e, Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        if (!existed)
        {
            Data.FilePaths.TryDelete(path);
        }

        return null;
    }
}
