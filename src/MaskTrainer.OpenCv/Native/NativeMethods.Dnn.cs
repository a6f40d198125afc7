using System.Runtime.InteropServices;

namespace MaskTrainer.OpenCv.Native;

internal static partial class NativeMethods
{
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_net_read_onnx(string path, out NetHandle net);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_net_read_onnx_buffer(byte* data, long length, out NetHandle net);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_net_read_caffe(string prototxt, string model, out NetHandle net);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_net_read_tensorflow(string model, string config, out NetHandle net);

    [LibraryImport(Lib)]
    internal static partial void mt_net_delete(IntPtr net);

    [LibraryImport(Lib)]
    internal static partial int mt_net_empty(NetHandle net, out int empty);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_net_set_input(NetHandle net, MatHandle blob, string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mt_net_forward(NetHandle net, string name, MatHandle dst);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_net_forward_many(NetHandle net, IntPtr* names, int count, IntPtr* dsts);

    [LibraryImport(Lib)]
    internal static partial int mt_net_get_layer_names(NetHandle net, out IntPtr names, out int count);

    [LibraryImport(Lib)]
    internal static partial int mt_net_get_unconnected_out_layers_names(NetHandle net, out IntPtr names, out int count);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int mt_net_get_output_shape(NetHandle net, string layer, int* inputShape, int inputRank, int* shape, int capacity, out int rank);

    [LibraryImport(Lib)]
    internal static partial int mt_blob_from_image(MatHandle image, MatHandle dst, double scale, int width, int height, double m0, double m1, double m2, double m3, int swapRb, int crop);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_blob_from_images(IntPtr* images, int count, MatHandle dst, double scale, int width, int height, double m0, double m1, double m2, double m3, int swapRb, int crop);

    [LibraryImport(Lib)]
    internal static unsafe partial int mt_nms_boxes(int* boxes, float* scores, int count, float scoreThreshold, float nmsThreshold, int* indices, out int kept);
}
