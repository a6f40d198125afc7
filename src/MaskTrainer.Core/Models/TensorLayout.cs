namespace MaskTrainer.Models;

/// <summary>Memory layout of a network's image input (catalog spelling <c>"NCHW"</c> / <c>"NHWC"</c>).</summary>
public enum TensorLayout
{
    /// <summary>Batch, channel, height, width: planar, what cv::dnn::blobFromImage produces.</summary>
    Nchw,

    /// <summary>Batch, height, width, channel: interleaved (TensorFlow/TFLite conversions such as BlazeFace).</summary>
    Nhwc,
}
