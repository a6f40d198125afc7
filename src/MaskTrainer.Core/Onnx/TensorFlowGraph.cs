using Google.Protobuf;

namespace MaskTrainer.Onnx;

/// <summary>
/// A TensorFlow <c>GraphDef</c> (a frozen .pb) read straight from its protobuf wire format: the
/// nodes with their inputs and the attributes a converter needs (strings, ints, floats, int
/// lists, tensors). No TensorFlow package is served here, and the few messages involved have
/// stable field numbers (tensorflow/core/framework/*.proto), so reading them by hand is smaller
/// than generating classes. Only what <see cref="TensorFlowToOnnx"/> uses is decoded.
/// </summary>
internal sealed class TensorFlowGraph
{
    private TensorFlowGraph(IReadOnlyList<Node> nodes) => Nodes = nodes;

    /// <summary>The nodes in file order (a frozen graph lists inputs before their users).</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Parses a frozen GraphDef.</summary>
    /// <exception cref="OnnxGraphEditException">The bytes are not a GraphDef.</exception>
    public static TensorFlowGraph Parse(byte[] bytes, string source)
    {
        var nodes = new List<Node>();
        try
        {
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    nodes.Add(ReadNode(input.ReadBytes()));
                }
                else
                {
                    input.SkipLastField();
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxGraphEditException($"{source}: not a TensorFlow graph: {e.Message}", e);
        }

        if (nodes.Count == 0)
        {
            throw new OnnxGraphEditException($"{source}: not a TensorFlow graph (no nodes)");
        }

        return new TensorFlowGraph(nodes);
    }

    private static Node ReadNode(ByteString bytes)
    {
        string name = "", op = "";
        var inputs = new List<string>();
        var attrs = new Dictionary<string, Attr>(StringComparer.Ordinal);
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = input.ReadString(); break;
                case 2: op = input.ReadString(); break;
                case 3: inputs.Add(input.ReadString()); break;
                case 5:
                    var (key, value) = ReadAttrEntry(input.ReadBytes());
                    attrs[key] = value;
                    break;
                default: input.SkipLastField(); break;
            }
        }

        return new Node(name, op, inputs, attrs);
    }

    private static (string Key, Attr Value) ReadAttrEntry(ByteString bytes)
    {
        string key = "";
        var value = new Attr();
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = ReadAttr(input.ReadBytes()); break;
                default: input.SkipLastField(); break;
            }
        }

        return (key, value);
    }

    // AttrValue: list = 1, s = 2, i = 3, f = 4, b = 5, type = 6, tensor = 8.
    private static Attr ReadAttr(ByteString bytes)
    {
        var attr = new Attr();
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: attr.Ints = ReadListInts(input.ReadBytes()); break;
                case 2: attr.S = input.ReadBytes().ToStringUtf8(); break;
                case 3: attr.I = input.ReadInt64(); break;
                case 4: attr.F = input.ReadFloat(); break;
                case 5: attr.B = input.ReadBool(); break;
                case 8: attr.Tensor = ReadTensor(input.ReadBytes()); break;
                default: input.SkipLastField(); break;
            }
        }

        return attr;
    }

    // ListValue.i = 3 (packed or not).
    private static long[] ReadListInts(ByteString bytes)
    {
        var values = new List<long>();
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 3)
            {
                ReadRepeated(input, tag, values, static i => i.ReadInt64());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return [.. values];
    }

    // TensorProto: dtype = 1, tensor_shape = 2, tensor_content = 4, float_val = 5, int_val = 7.
    private static Tensor ReadTensor(ByteString bytes)
    {
        int dtype = 0;
        long[] shape = [];
        byte[]? content = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: dtype = input.ReadEnum(); break;
                case 2: shape = ReadShape(input.ReadBytes()); break;
                case 4: content = input.ReadBytes().ToByteArray(); break;
                case 5: ReadRepeated(input, tag, floats, static i => i.ReadFloat()); break;
                case 7: ReadRepeated(input, tag, ints, static i => i.ReadInt64()); break;
                default: input.SkipLastField(); break;
            }
        }

        return new Tensor(dtype, shape, content, [.. floats], [.. ints]);
    }

    // TensorShapeProto.dim = 2 → Dim.size = 1.
    private static long[] ReadShape(ByteString bytes)
    {
        var dims = new List<long>();
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 2)
            {
                var dim = input.ReadBytes().CreateCodedInput();
                long size = 0;
                uint dimTag;
                while ((dimTag = dim.ReadTag()) != 0)
                {
                    if (WireFormat.GetTagFieldNumber(dimTag) == 1)
                    {
                        size = dim.ReadInt64();
                    }
                    else
                    {
                        dim.SkipLastField();
                    }
                }

                dims.Add(size);
            }
            else
            {
                input.SkipLastField();
            }
        }

        return [.. dims];
    }

    /// <summary>A repeated scalar field, packed (one length-delimited run) or one value per tag.</summary>
    private static void ReadRepeated<T>(CodedInputStream input, uint tag, List<T> values, Func<CodedInputStream, T> read)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
        {
            values.Add(read(input));
            return;
        }

        var packed = input.ReadBytes().CreateCodedInput();
        while (!packed.IsAtEnd)
        {
            values.Add(read(packed));
        }
    }

    /// <summary>One NodeDef.</summary>
    internal sealed record Node(string Name, string Op, IReadOnlyList<string> Inputs, IReadOnlyDictionary<string, Attr> Attrs)
    {
        public Attr? Attr(string key) => Attrs.TryGetValue(key, out var a) ? a : null;
    }

    /// <summary>One AttrValue: whichever of its fields were set.</summary>
    internal sealed class Attr
    {
        public string? S { get; set; }

        public long? I { get; set; }

        public float? F { get; set; }

        public bool? B { get; set; }

        public long[]? Ints { get; set; }

        public Tensor? Tensor { get; set; }
    }

    /// <summary>One TensorProto: its raw content, or its repeated values.</summary>
    internal sealed record Tensor(int DataType, long[] Shape, byte[]? Content, float[] FloatValues, long[] IntValues)
    {
        public const int Float = 1;
        public const int Int32 = 3;
        public const int UInt8 = 4;
        public const int QUInt8 = 12;
    }
}
