using MaskTrainer.Imaging;
using OpenCvSharp;

namespace MaskTrainer.Detect.Pipeline;

/// <summary>A face found in a frame: its box (image pixels) and the detector's confidence.</summary>
public readonly record struct FaceBox(Rect Box, float Score);
