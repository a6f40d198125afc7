namespace MaskTrainer.OpenCv;

/// <summary>Capture properties (cv::VideoCaptureProperties).</summary>
public enum CapProp
{
    PosMsec = 0,
    PosFrames = 1,
    FrameWidth = 3,
    FrameHeight = 4,
    Fps = 5,
    FourCC = 6,
    FrameCount = 7,
    BufferSize = 38,
}
