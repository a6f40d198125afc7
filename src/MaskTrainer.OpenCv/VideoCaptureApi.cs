namespace MaskTrainer.OpenCv;

/// <summary>Capture back-ends (cv::VideoCaptureAPIs); Any lets OpenCV choose.</summary>
public enum VideoCaptureApi
{
    Any = 0,
    V4L2 = 200,
    Ffmpeg = 1900,
    Images = 2000,
}
