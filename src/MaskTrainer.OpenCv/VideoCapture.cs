using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

/// <summary>Frames from a camera or a video file (cv::VideoCapture). Dispose to close the device.</summary>
public sealed class VideoCapture : IDisposable
{
    private readonly VideoCaptureHandle _handle;

    private VideoCapture(VideoCaptureHandle handle, string source)
    {
        _handle = handle;
        Source = source;
    }

    /// <summary>"camera N" or the file path.</summary>
    public string Source { get; }

    public double Fps => Get(CapProp.Fps);

    public int FrameWidth => (int)Get(CapProp.FrameWidth);

    public int FrameHeight => (int)Get(CapProp.FrameHeight);

    /// <summary>Frames in a file as its container reports them (an estimate for some formats); 0 or -1 for cameras.</summary>
    public int FrameCount => (int)Get(CapProp.FrameCount);

    /// <summary>
    /// Opens camera <paramref name="index"/>. Throws <see cref="CameraUnavailableException"/> when
    /// it cannot be opened; on Linux a missing /dev/videoN fails at once without asking OpenCV.
    /// </summary>
    public static VideoCapture OpenCamera(int index, VideoCaptureApi api = VideoCaptureApi.Any)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var device = $"/dev/video{index}";
        var checkDevice = OperatingSystem.IsLinux() && api is VideoCaptureApi.Any or VideoCaptureApi.V4L2;
        if (checkDevice && !File.Exists(device))
        {
            throw new CameraUnavailableException(index, $"camera {index} could not be opened (no {device}?)");
        }

        var status = NativeMethods.mt_capture_open_camera(index, (int)api, out var handle, out var opened);
        if (status != 0)
        {
            handle.Dispose();
            throw new CameraUnavailableException(index, $"camera {index} could not be opened: {NativeError.LastMessage()}");
        }

        if (opened == 0)
        {
            handle.Dispose();
            var hint = checkDevice ? $"{device} exists: in use by another program, no permission, or not a capture device?" : "not connected, in use, or no permission?";
            throw new CameraUnavailableException(index, $"camera {index} could not be opened ({hint})");
        }

        return new VideoCapture(handle, $"camera {index}");
    }

    /// <summary>Opens a video file (or, with <see cref="VideoCaptureApi.Images"/>, an image sequence pattern such as "img_%03d.jpg").</summary>
    public static VideoCapture OpenFile(string path, VideoCaptureApi api = VideoCaptureApi.Any)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (api != VideoCaptureApi.Images && !File.Exists(path))
        {
            throw new OpenCvException($"{path}: video file not found");
        }

        var status = NativeMethods.mt_capture_open_file(path, (int)api, out var handle, out var opened);
        if (status != 0)
        {
            handle.Dispose();
            throw NativeError.Create(status, $"{path}: cannot open video");
        }

        if (opened == 0)
        {
            handle.Dispose();
            throw new OpenCvException($"{path}: cannot open video (unreadable, or not a video OpenCV's back-ends can decode)");
        }

        return new VideoCapture(handle, path);
    }

    /// <summary>Reads the next frame into <paramref name="frame"/> (reusing its buffer); false at the end or when the camera stops.</summary>
    public bool Read(Mat frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var status = NativeMethods.mt_capture_read(_handle, frame.Handle, out var ok);
        if (status != 0)
        {
            throw NativeError.Create(status, $"{Source}: read failed");
        }

        return ok != 0;
    }

    /// <summary>A capture property; 0 when the back-end does not know it.</summary>
    public double Get(CapProp p)
    {
        NativeError.Check(NativeMethods.mt_capture_get(_handle, (int)p, out var value));
        return value;
    }

    /// <summary>Asks the back-end to change a property; false when it refused (cameras may also silently pick a nearby value).</summary>
    public bool Set(CapProp p, double v)
    {
        NativeError.Check(NativeMethods.mt_capture_set(_handle, (int)p, v, out var ok));
        return ok != 0;
    }

    public void Dispose() => _handle.Dispose();
}
