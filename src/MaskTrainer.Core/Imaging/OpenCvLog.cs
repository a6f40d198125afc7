using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>How loud OpenCV's own log is in the apps.</summary>
public static class OpenCvLog
{
    /// <summary>
    /// OpenCV prints warnings (<c>[ WARN:0@6.3] global grfmt_png.cpp ...</c>) for things our own
    /// checks already report in one line: a PNG cut short, a camera FFmpeg cannot open by index.
    /// The apps keep OpenCV's errors only, unless the user set <c>OPENCV_LOG_LEVEL</c>.
    /// </summary>
    public static void ErrorsOnlyUnlessAsked()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPENCV_LOG_LEVEL")))
        {
            Cv2.SetLogLevel(LogLevel.ERROR);
        }
    }
}
