using System.Runtime.InteropServices;
using MaskTrainer.OpenCv.Native;

namespace MaskTrainer.OpenCv;

/// <summary>
/// A neural network loaded by OpenCV's dnn module (cv::dnn::Net). Not thread-safe: use one Net
/// per thread. Outputs are copied out of the network, so a returned Mat stays valid after the
/// next forward pass.
/// </summary>
public sealed class Net : IDisposable
{
    private readonly NetHandle _handle;

    private Net(NetHandle handle)
    {
        _handle = handle;
    }

    /// <summary>True when the network has no layers.</summary>
    public bool IsEmpty
    {
        get
        {
            NativeError.Check(NativeMethods.mt_net_empty(_handle, out var empty));
            return empty != 0;
        }
    }

    /// <summary>Loads an ONNX model file.</summary>
    public static Net ReadFromOnnx(string path)
    {
        RequireFile(path, "ONNX model");
        return Load(NativeMethods.mt_net_read_onnx(path, out var h), h, $"{path}: cannot load ONNX model");
    }

    /// <summary>Loads an ONNX model from memory (e.g. an embedded resource).</summary>
    public static unsafe Net ReadFromOnnx(ReadOnlySpan<byte> model)
    {
        if (model.IsEmpty)
        {
            throw new OpenCvException("<bytes>: cannot load ONNX model: no data (0 bytes)");
        }

        fixed (byte* p = model)
        {
            return Load(NativeMethods.mt_net_read_onnx_buffer(p, model.Length, out var h), h, "<bytes>: cannot load ONNX model");
        }
    }

    /// <summary>Loads a Caffe model; without <paramref name="caffeModel"/> the layers get no trained weights.</summary>
    public static Net ReadFromCaffe(string prototxt, string? caffeModel)
    {
        RequireFile(prototxt, "Caffe prototxt");
        if (caffeModel is not null)
        {
            RequireFile(caffeModel, "Caffe model");
        }

        return Load(NativeMethods.mt_net_read_caffe(prototxt, caffeModel ?? string.Empty, out var h), h,
            $"{caffeModel ?? prototxt}: cannot load Caffe model");
    }

    /// <summary>Loads a frozen TensorFlow graph (.pb), optionally with its text graph config (.pbtxt).</summary>
    public static Net ReadFromTensorflow(string model, string? config = null)
    {
        RequireFile(model, "TensorFlow model");
        if (config is not null)
        {
            RequireFile(config, "TensorFlow config");
        }

        return Load(NativeMethods.mt_net_read_tensorflow(model, config ?? string.Empty, out var h), h,
            $"{model}: cannot load TensorFlow model");
    }

    /// <summary>Sets the input blob; <paramref name="name"/> "" means the first input.</summary>
    public void SetInput(Mat blob, string name = "")
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(name);
        var status = NativeMethods.mt_net_set_input(_handle, blob.Handle, name);
        if (status != 0)
        {
            throw NativeError.Create(status, name.Length == 0 ? "SetInput" : $"SetInput '{name}'");
        }
    }

    /// <summary>Runs the network up to <paramref name="outputName"/> (null: the last layer) and returns that output.</summary>
    public Mat Forward(string? outputName = null) => Cv2.Produce(dst => Forward(dst, outputName));

    /// <summary>As <see cref="Forward(string?)"/>, writing into <paramref name="output"/> (its buffer is reused when the shape matches).</summary>
    public void Forward(Mat output, string? outputName = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var status = NativeMethods.mt_net_forward(_handle, outputName ?? string.Empty, output.Handle);
        if (status != 0)
        {
            throw NativeError.Create(status, outputName is null ? "Forward" : $"Forward to '{outputName}'");
        }
    }

    /// <summary>Runs the network once and returns the outputs of the named layers, in order.</summary>
    public unsafe Mat[] Forward(IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        var count = outputNames.Count;
        var outputs = new Mat[count];
        var names = new IntPtr[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                outputs[i] = new Mat();
                names[i] = Marshal.StringToCoTaskMemUTF8(outputNames[i] ?? throw new ArgumentException($"outputNames[{i}] is null", nameof(outputNames)));
            }

            using var pointers = new MatPointers(outputs);
            fixed (IntPtr* n = names)
            fixed (IntPtr* d = pointers.Pointers)
            {
                var status = NativeMethods.mt_net_forward_many(_handle, n, count, d);
                if (status != 0)
                {
                    throw NativeError.Create(status, $"Forward to [{string.Join(", ", outputNames)}]");
                }
            }

            return outputs;
        }
        catch
        {
            foreach (var m in outputs)
            {
                m?.Dispose();
            }

            throw;
        }
        finally
        {
            foreach (var n in names)
            {
                Marshal.FreeCoTaskMem(n);
            }
        }
    }

    /// <summary>Names of all layers except the input.</summary>
    public string[] GetLayerNames()
    {
        NativeError.Check(NativeMethods.mt_net_get_layer_names(_handle, out var block, out var count));
        return NativeStrings.TakeAll(block, count);
    }

    /// <summary>Names of the layers whose outputs nothing consumes: the network's outputs.</summary>
    public string[] GetUnconnectedOutLayersNames()
    {
        NativeError.Check(NativeMethods.mt_net_get_unconnected_out_layers_names(_handle, out var block, out var count));
        return NativeStrings.TakeAll(block, count);
    }

    /// <summary>Shape of the first output of <paramref name="layerName"/> for an input of <paramref name="inputShape"/> (e.g. [1, 3, 224, 224]), without running the network.</summary>
    public unsafe int[] GetOutputShape(string layerName, ReadOnlySpan<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(layerName);
        Span<int> shape = stackalloc int[32];
        int rank;
        fixed (int* i = inputShape)
        fixed (int* s = shape)
        {
            var status = NativeMethods.mt_net_get_output_shape(_handle, layerName, i, inputShape.Length, s, shape.Length, out rank);
            if (status != 0)
            {
                throw NativeError.Create(status, $"output shape of '{layerName}'");
            }
        }

        return shape[..Math.Min(rank, shape.Length)].ToArray();
    }

    public void Dispose() => _handle.Dispose();

    private static void RequireFile(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new OpenCvException($"{path}: {what} file not found");
        }
    }

    private static Net Load(int status, NetHandle handle, string context)
    {
        if (status != 0)
        {
            handle.Dispose();
            throw NativeError.Create(status, context);
        }

        return new Net(handle);
    }
}
