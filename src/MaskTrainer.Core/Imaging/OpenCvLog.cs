using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>How loud OpenCV's own log is in the apps.</summary>
public static class OpenCvLog
{
    /// <summary>
    /// OpenCV logs errors and warnings (<c>[ERROR:0@2.2] global loadsave.cpp:1409 imdecode_ … Unexpected
    /// end of input stream</c> and a blank line, <c>[ WARN:0@6.3] global grfmt_png.cpp …</c>) for
    /// failures our own one-line messages already name with the file: a picture that does not decode
    /// (<see cref="ImageDecodeException"/>), a camera, video or writer that does not open
    /// (<see cref="VideoIo"/>), a window without a display (<see cref="GuiWindows"/>); what it throws
    /// is reported by the apps. So the apps keep it silent, unless the user set <c>OPENCV_LOG_LEVEL</c>
    /// (e.g. <c>ERROR</c>, to see OpenCV's own words beside ours).
    /// </summary>
    public static void SilentUnlessAsked()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPENCV_LOG_LEVEL")))
        {
            Cv2.SetLogLevel(LogLevel.SILENT);
        }
    }
}
