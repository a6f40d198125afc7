using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MaskTrainer.Onnx;

/// <summary>The ONNX protobuf pieces every graph we build needs: initializers and float tensor types.</summary>
internal static class OnnxProtos
{
    /// <summary>A float initializer of shape <paramref name="dims"/> (raw little-endian data, as ONNX stores it).</summary>
    public static TensorProto Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>A 1-D int64 initializer (shapes, axes, pads, slice bounds).</summary>
    public static TensorProto Int64s(string name, params long[] values) =>
        new() { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.Length }, Int64Data = { values } };

    /// <summary>A float tensor type, its shape unknown when <paramref name="shape"/> is null.</summary>
    public static TypeProto FloatType(TensorShapeProto? shape = null)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
        if (shape is not null)
        {
            tensor.Shape = shape;
        }

        return new TypeProto { TensorType = tensor };
    }

    /// <summary>A float tensor value info; string dimensions are symbolic, numbers fixed.</summary>
    public static ValueInfoProto TensorInfo(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string param
                ? new TensorShapeProto.Types.Dimension { DimParam = param }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto { Name = name, Type = FloatType(shape) };
    }
}
