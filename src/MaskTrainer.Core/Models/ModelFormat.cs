namespace MaskTrainer.Models;

/// <summary>
/// How OpenCV loads a model. Catalog spelling: <c>"onnx"</c>, <c>"tensorflow"</c>, <c>"caffe"</c>,
/// <c>"haar"</c>, <c>"image"</c>. For TensorFlow and Caffe, <see cref="ModelSpec.Files"/>[1] is the text config
/// (.pbtxt / .prototxt) that goes with the weights in Files[0].
/// </summary>
public enum ModelFormat
{
    /// <summary>ONNX graph (cv::dnn::readNetFromONNX).</summary>
    Onnx,

    /// <summary>Frozen TensorFlow graph (.pb), optionally with a .pbtxt config.</summary>
    TensorFlow,

    /// <summary>Caffe weights (.caffemodel) with a .prototxt config.</summary>
    Caffe,

    /// <summary>OpenCV cascade classifier XML (cv::CascadeClassifier); no DNN preprocessing.</summary>
    Haar,

    /// <summary>Image files (JPEG/PNG) of a <see cref="ModelRole.SampleImages"/> entry; nothing to load into OpenCV's DNN module.</summary>
    Image,
}
