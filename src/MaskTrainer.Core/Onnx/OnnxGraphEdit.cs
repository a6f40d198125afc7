using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using MaskTrainer.Data;
using MaskTrainer.Model;
using MaskTrainer.Models;
using MaskTrainer.Reporting;
using Onnx;

namespace MaskTrainer.Onnx;

/// <summary>
/// Edits an ONNX graph so that ONNX Runtime can serve what OpenCV's DNN module gave for free:
/// any inner tensor as an output (ORT returns only graph outputs), and any batch size (the source
/// models fix it at 1). The edit is done on the protobuf with OnnxSharp; no ORT session is needed.
/// </summary>
public static class OnnxGraphEdit
{
    /// <summary>Dimension name written for a batch dimension made symbolic.</summary>
    public const string BatchParam = "N";

    /// <summary>OpenCV's prefix for a layer named after its ONNX node rather than its output tensor.</summary>
    public const string NodePrefix = "onnx_node!";

    // Part of the cache key: bump it whenever the edit itself changes, so stale copies are not reused.
    private const string EditVersion = "1";

    /// <summary>
    /// Returns the path of a copy of the ONNX model at <paramref name="modelPath"/> edited as
    /// <see cref="Edit"/> does, cached in <paramref name="cacheDir"/> as
    /// <c>&lt;name&gt;.&lt;16 hex of sourceSha256&gt;.&lt;8 hex of the edit&gt;.onnx</c> and reused when present.
    /// </summary>
    /// <param name="modelPath">The source model (not modified).</param>
    /// <param name="sourceSha256">The source file's SHA-256 in hex; checked when the copy is made, so a wrong key cannot poison the cache.</param>
    /// <param name="outputs">Tensor names or "onnx_node!&lt;NodeName&gt;" (that node's first output); empty keeps the graph's own outputs.</param>
    /// <param name="symbolicBatch">Make dimension 0 of the input(s) and outputs symbolic ("N").</param>
    /// <param name="cacheDir">Where edited copies live; created when missing.</param>
    /// <exception cref="OnnxGraphEditException">The file is missing, is not an ONNX model, does not match <paramref name="sourceSha256"/>, or an output name is unknown.</exception>
    public static string Prepare(string modelPath, string sourceSha256, IReadOnlyList<string> outputs, bool symbolicBatch, string cacheDir)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(sourceSha256);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(cacheDir);
        if (sourceSha256.Length < 16 || !sourceSha256.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"not a SHA-256 in hex: '{sourceSha256}'", nameof(sourceSha256));
        }

        var target = Path.Combine(cacheDir, CacheFileName(modelPath, sourceSha256, outputs, symbolicBatch));
        if (GraphCache.IsIntact(target))
        {
            // The name holds the source hash and the edit, and the bytes are the ones written: this very edit.
            return target;
        }

        if (!File.Exists(modelPath))
        {
            throw new OnnxGraphEditException($"{modelPath}: model file not found");
        }

        var source = File.ReadAllBytes(modelPath);
        var actual = Convert.ToHexStringLower(SHA256.HashData(source));
        if (!actual.StartsWith(sourceSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new OnnxGraphEditException($"{modelPath}: SHA-256 is {actual}, not the expected {sourceSha256.ToLowerInvariant()}");
        }

        var edited = Edit(source, outputs, symbolicBatch, modelPath);
        ModelCacheException.Writing(cacheDir, () => Directory.CreateDirectory(cacheDir));
        GraphCache.Write(target, edited);
        return target;
    }

    /// <summary>
    /// Returns <paramref name="model"/> (ONNX protobuf bytes) with graph outputs exactly
    /// <paramref name="outputs"/> and everything not needed to compute them pruned, and, when
    /// <paramref name="symbolicBatch"/>, dimension 0 of the inputs and outputs symbolic. Returns
    /// <paramref name="model"/> itself when the edit changes nothing. Not cached.
    /// </summary>
    /// <param name="modelName">Names the model in exception messages (e.g. its path).</param>
    /// <exception cref="OnnxGraphEditException">Not an ONNX model, or an output name is unknown.</exception>
    public static byte[] Edit(byte[] model, IReadOnlyList<string> outputs, bool symbolicBatch, string modelName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(modelName);

        var (proto, changed) = EditProto(model, outputs, symbolicBatch, modelName);

        // Unchanged: byte-identical, as re-serializing could reorder fields and defeat hash-based caching downstream.
        return changed ? proto.ToByteArray() : model;
    }

    /// <summary>
    /// <see cref="Edit"/> on the parsed model: returns it edited, and whether the edit changed
    /// anything (when not, the proto is the parsed input as is).
    /// </summary>
    internal static (ModelProto Model, bool Changed) EditProto(byte[] model, IReadOnlyList<string> outputs, bool symbolicBatch, string modelName)
    {
        var proto = Parse(model, modelName);
        var editor = new GraphEditor(proto, modelName);
        var changed = editor.SetOutputs(outputs);
        if (symbolicBatch)
        {
            changed |= editor.MakeBatchSymbolic();
        }

        if (!changed)
        {
            return (proto, false);
        }

        if (proto.IrVersion >= 4)
        {
            // From IR 4 initializers need not be inputs; as inputs ORT treats them as overridable and will not constant-fold them.
            proto.Graph.RemoveInitializersFromInputs();
        }

        editor.PruneUnused();
        return (proto, true);
    }

    /// <summary>The cache file name <see cref="Prepare"/> uses (exposed for tests and tools).</summary>
    internal static string CacheFileName(string modelPath, string sourceSha256, IReadOnlyList<string> outputs, bool symbolicBatch)
    {
        var name = Path.GetFileName(modelPath);
        var stem = name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? name[..^".onnx".Length] : name;
        return $"{stem}.{sourceSha256[..16].ToLowerInvariant()}.{EditKey(outputs, symbolicBatch)}.onnx";
    }

    /// <summary>8 hex digits identifying (outputs in order, symbolicBatch, edit version).</summary>
    internal static string EditKey(IReadOnlyList<string> outputs, bool symbolicBatch)
    {
        // Newline cannot occur in the names we accept from configuration, so joining on it is unambiguous.
        var text = $"v{EditVersion}\nbatch={(symbolicBatch ? 1 : 0)}\n{string.Join('\n', outputs)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 4));
    }

    /// <summary>Parses ONNX protobuf bytes; <see cref="OnnxGraphEditException"/> naming <paramref name="modelName"/> when they are not a model.</summary>
    internal static ModelProto Parse(byte[] bytes, string modelName)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxGraphEditException($"{modelName}: not an ONNX model ({OneLine(e.Message)})", e);
        }

        // Arbitrary bytes often parse as a protobuf of unknown fields; a model has a graph with outputs and an opset.
        if (model.Graph is null || model.IrVersion <= 0 || model.OpsetImport.Count == 0 || model.Graph.Output.Count == 0)
        {
            throw new OnnxGraphEditException($"{modelName}: not an ONNX model (no graph, IR version or opset)");
        }

        return model;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="target"/> through a temporary file in the
    /// same folder and a rename, so readers never see half a file. An existing target is kept
    /// (another process made the same file) unless <paramref name="replace"/>.
    /// </summary>
    internal static void WriteAtomically(string target, byte[] bytes, bool replace = false)
    {
        try
        {
            // Without replace, another process's copy of the same edit that landed first is kept.
            AtomicFile.Write(target, bytes, keepExisting: !replace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Every caller writes into the model cache's graphs/ folder: say which folder and what to do.
            throw ModelCacheException.For(Path.GetDirectoryName(Path.GetFullPath(target))!, e);
        }
    }

    /// <summary>The edit of one parsed model; the graph is changed in place.</summary>
    private sealed class GraphEditor
    {
        private readonly ModelProto _model;
        private readonly GraphProto _graph;
        private readonly string _modelName;
        private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
        private readonly HashSet<string> _newOutputs = new(StringComparer.Ordinal);

        public GraphEditor(ModelProto model, string modelName)
        {
            _model = model;
            _graph = model.Graph;
            _modelName = modelName;
            foreach (var node in _graph.Node)
            {
                _usedNames.Add(node.Name);
                _usedNames.UnionWith(node.Output);
                _usedNames.UnionWith(node.Input);
            }

            _usedNames.UnionWith(_graph.Initializer.Select(i => i.Name));
            _usedNames.UnionWith(_graph.Input.Select(i => i.Name));
        }

        private HashSet<string> InitializerNames => _graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);

        /// <summary>Replaces the graph outputs; false when they already are exactly these.</summary>
        public bool SetOutputs(IReadOnlyList<string> requested)
        {
            if (requested.Count == 0)
            {
                return false;
            }

            var producers = Producers();
            var initializers = _graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
            var inputs = _graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            var nodesByName = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
            foreach (var node in _graph.Node.Where(n => n.Name.Length > 0))
            {
                nodesByName.TryAdd(node.Name, node);
            }

            var tensors = new List<string>();
            foreach (var name in requested)
            {
                string tensor;
                if (producers.ContainsKey(name) || inputs.Contains(name) || initializers.ContainsKey(name))
                {
                    tensor = name;
                }
                else if (NodeNamed(name, nodesByName) is { } node && node.Output.Count > 0 && node.Output[0].Length > 0)
                {
                    tensor = node.Output[0];
                }
                else
                {
                    throw Unknown(name, producers.Keys.Concat(inputs).Concat(nodesByName.Keys.Select(n => NodePrefix + n)));
                }

                // ONNX forbids a name twice among the outputs; "Relu_1" and its tensor may both be asked for.
                if (!tensors.Contains(tensor))
                {
                    tensors.Add(tensor);
                }
            }

            if (tensors.SequenceEqual(_graph.Output.Select(o => o.Name)))
            {
                return false;
            }

            var old = _graph.Output.ToDictionary(o => o.Name, StringComparer.Ordinal);
            var valueInfos = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
            foreach (var info in _graph.ValueInfo.Concat(_graph.Input))
            {
                valueInfos.TryAdd(info.Name, info);
            }

            Dictionary<string, TypeGuess>? guesses = null;
            var outputs = new List<ValueInfoProto>();
            foreach (var tensor in tensors)
            {
                if (old.TryGetValue(tensor, out var kept))
                {
                    outputs.Add(kept);
                }
                else if (valueInfos.TryGetValue(tensor, out var info))
                {
                    outputs.Add(info.Clone());
                    _newOutputs.Add(tensor);
                }
                else if (initializers.TryGetValue(tensor, out var constant))
                {
                    outputs.Add(FromTensor(constant));
                }
                else
                {
                    // No recorded shape (PyTorch exports keep no value_info): write what a light
                    // forward pass knows, element type and rank, so dimension 0 can be named.
                    guesses ??= TypeGuess.Infer(_graph);
                    outputs.Add(guesses.TryGetValue(tensor, out var guess) ? guess.ToValueInfo(tensor) : new ValueInfoProto { Name = tensor });
                    _newOutputs.Add(tensor);
                }
            }

            _graph.Output.Clear();
            _graph.Output.AddRange(outputs);
            return true;
        }

        /// <summary>
        /// Makes dimension 0 of the real inputs symbolic where it is 1, and fixes what hard-codes
        /// batch 1 inside the graph (constant Reshape shapes, ConstantOfShape); false when nothing changed.
        /// </summary>
        public bool MakeBatchSymbolic()
        {
            var initializers = InitializerNames;
            var realInputs = _graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
            string? param = null;
            var madeSymbolic = new List<ValueInfoProto>();
            foreach (var input in realInputs)
            {
                var dims = input.Type?.TensorType?.Shape?.Dim;
                if (dims is null || dims.Count == 0)
                {
                    continue;
                }

                var first = dims[0];
                if (first.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam)
                {
                    // Already symbolic: keep the model's own name and leave the dimension alone.
                    param ??= first.DimParam;
                }
                else if (first.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && first.DimValue == 1)
                {
                    first.DimParam = BatchParam;
                    madeSymbolic.Add(input);
                }
            }

            param ??= madeSymbolic.Count > 0 ? BatchParam : null;
            var changed = madeSymbolic.Count > 0;
            if (changed)
            {
                FixHardCodedBatch(realInputs.Count == 1 ? madeSymbolic.FirstOrDefault() : null);

                // value_info only guides ORT; a stale 1 there would contradict the symbolic input.
                foreach (var info in _graph.ValueInfo.Concat(_graph.Output))
                {
                    if (FirstDim(info) is { ValueCase: TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, DimValue: 1 } dim)
                    {
                        dim.DimParam = param ?? BatchParam;
                    }
                }
            }

            if (param is not null)
            {
                // New outputs with no recorded dimension 0 get the batch name, so ORT's metadata shows the batch axis.
                foreach (var output in _graph.Output.Where(o => _newOutputs.Contains(o.Name)))
                {
                    if (FirstDim(output) is { ValueCase: TensorShapeProto.Types.Dimension.ValueOneofCase.None } dim)
                    {
                        dim.DimParam = param;
                        changed = true;
                    }
                }
            }

            return changed;
        }

        /// <summary>Removes nodes, initializers, value_info and initializer-inputs that no output needs.</summary>
        public void PruneUnused()
        {
            var producers = Producers();
            var keep = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
            var needed = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(_graph.Output.Select(o => o.Name));
            while (pending.Count > 0)
            {
                var name = pending.Pop();
                if (!needed.Add(name) || !producers.TryGetValue(name, out var node) || !keep.Add(node))
                {
                    continue;
                }

                foreach (var input in node.Input.Concat(SubgraphReferences(node)).Where(i => i.Length > 0))
                {
                    pending.Push(input);
                }
            }

            // Keep the original order: it is topological, which ONNX requires.
            var nodes = _graph.Node.Where(keep.Contains).ToList();
            _graph.Node.Clear();
            _graph.Node.AddRange(nodes);

            var unusedInitializers = _graph.Initializer.Where(i => !needed.Contains(i.Name)).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            RemoveWhere(_graph.Initializer, i => unusedInitializers.Contains(i.Name));

            // Real inputs stay even if unused: they are the model's interface and callers feed them by name.
            RemoveWhere(_graph.Input, i => unusedInitializers.Contains(i.Name));

            var outputs = _graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            RemoveWhere(_graph.ValueInfo, v => !needed.Contains(v.Name) || outputs.Contains(v.Name));
        }

        /// <summary>
        /// Rewrites constant shapes that start with 1 (the exporter's batch) in Reshape and
        /// ConstantOfShape. Every rewrite gives exactly the old shape at batch 1, so batch 1 keeps
        /// working whatever the dimension meant; at batch N it follows the batch.
        /// </summary>
        /// <param name="batchSource">The one real input whose dimension 0 was made symbolic, or null when there is none or several (no telling whose batch a constant means).</param>
        private void FixHardCodedBatch(ValueInfoProto? batchSource)
        {
            var shapes = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
            foreach (var info in _graph.ValueInfo.Concat(_graph.Input))
            {
                shapes.TryAdd(info.Name, info);
            }

            for (var i = 0; i < _graph.Node.Count; i++)
            {
                var node = _graph.Node[i];
                if (node.OpType == "Reshape" && node.Input.Count >= 2 && !IsConstant(node.Input[0])
                    && ConstantInt64(node.Input[1]) is { Length: > 0 } shape && shape[0] == 1)
                {
                    var allowZero = node.Attribute.Any(a => a.Name == "allowzero" && a.I != 0);
                    if (!shape.Skip(1).Contains(-1))
                    {
                        // -1 is inferred from the element count, which at batch 1 gives the old 1 back.
                        shape[0] = -1;
                        node.Input[1] = AddInt64Initializer(node.Input[1] + "_batch", shape);
                    }
                    else if (!allowZero && shapes.TryGetValue(node.Input[0], out var data)
                        && FirstDim(data) is { ValueCase: TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, DimValue: 1 })
                    {
                        // 0 copies the data's dimension 0, recorded as the batch 1 (allowzero=1 would make it a literal 0).
                        shape[0] = 0;
                        node.Input[1] = AddInt64Initializer(node.Input[1] + "_batch", shape);
                    }
                    else if (batchSource is not null)
                    {
                        node.Input[1] = BatchShape(node, 1, shape, batchSource, ref i);
                    }
                }
                else if (node.OpType == "ConstantOfShape" && node.Input.Count >= 1 && batchSource is not null
                    && ConstantInt64(node.Input[0]) is { Length: >= 2 } zeros && zeros[0] == 1)
                {
                    // tf2onnx pads channels by concatenating zeros made by ConstantOfShape([1,C,H,W]).
                    node.Input[0] = BatchShape(node, 0, zeros, batchSource, ref i);
                }
            }
        }

        /// <summary>
        /// Inserts Concat(batch, shape[1..]) before <paramref name="node"/> (at <paramref name="index"/>,
        /// which moves past what is inserted) and returns its output, the shape with the live batch first.
        /// </summary>
        private string BatchShape(NodeProto node, int input, long[] shape, ValueInfoProto batchSource, ref int index)
        {
            var batch = BatchTensor(batchSource.Name, ref index);
            var tail = AddInt64Initializer(node.Input[input] + "_tail", shape[1..]);
            var output = UniqueName(node.Input[input] + "_batch");
            var concat = new NodeProto { OpType = "Concat", Name = UniqueName(node.Name.Length > 0 ? node.Name + "_batch" : "batch_shape"), Input = { batch, tail }, Output = { output } };
            concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
            _graph.Node.Insert(index, concat);
            index++;
            return output;
        }

        private string? _batchTensor;

        /// <summary>A 1-D int64 tensor [batch] taken from <paramref name="input"/>'s shape; its nodes go first in the graph.</summary>
        private string BatchTensor(string input, ref int index)
        {
            if (_batchTensor is not null)
            {
                return _batchTensor;
            }

            var shapeOut = UniqueName(input + "_shape");
            var indices = AddInt64Initializer("batch_index", [0]);
            _batchTensor = UniqueName("batch");
            var gather = new NodeProto { OpType = "Gather", Name = UniqueName("batch_gather"), Input = { shapeOut, indices }, Output = { _batchTensor } };
            gather.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
            _graph.Node.Insert(0, new NodeProto { OpType = "Shape", Name = UniqueName("batch_shape_of_input"), Input = { input }, Output = { shapeOut } });
            _graph.Node.Insert(1, gather);
            index += 2;
            return _batchTensor;
        }

        private Dictionary<string, NodeProto> Producers()
        {
            var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
            foreach (var node in _graph.Node)
            {
                foreach (var output in node.Output.Where(o => o.Length > 0))
                {
                    producers.TryAdd(output, node);
                }
            }

            return producers;
        }

        /// <summary>Names a control-flow node's subgraphs read (a superset of the outer-scope ones: enough to keep their producers).</summary>
        private static IEnumerable<string> SubgraphReferences(NodeProto node)
        {
            foreach (var attribute in node.Attribute)
            {
                var graphs = attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G);
                foreach (var graph in graphs)
                {
                    foreach (var inner in graph.Node)
                    {
                        foreach (var name in inner.Input.Concat(SubgraphReferences(inner)))
                        {
                            yield return name;
                        }
                    }

                    foreach (var output in graph.Output)
                    {
                        yield return output.Name;
                    }
                }
            }
        }

        private bool IsConstant(string name) =>
            _graph.Initializer.Any(i => i.Name == name) || _graph.Node.Any(n => n.OpType == "Constant" && n.Output.Contains(name));

        /// <summary>The values of an int64 initializer or Constant node named <paramref name="name"/>, or null.</summary>
        private long[]? ConstantInt64(string name)
        {
            var tensor = _graph.Initializer.FirstOrDefault(i => i.Name == name)
                ?? _graph.Node.FirstOrDefault(n => n.OpType == "Constant" && n.Output.Contains(name))?.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
            if (tensor is null || tensor.DataType != (int)TensorProto.Types.DataType.Int64 || tensor.Dims.Count != 1)
            {
                return null;
            }

            return tensor.Int64Data.Count > 0 ? [.. tensor.Int64Data] : MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray();
        }

        private string AddInt64Initializer(string name, long[] values)
        {
            // A new initializer rather than an edit in place: the original may feed other nodes.
            var tensor = new TensorProto { Name = UniqueName(name), DataType = (int)TensorProto.Types.DataType.Int64, Dims = { values.Length }, Int64Data = { values } };
            _graph.Initializer.Add(tensor);
            if (_model.IrVersion < 4)
            {
                // Before IR 4 every initializer must also be a graph input.
                _graph.Input.Add(FromTensor(tensor));
            }

            return tensor.Name;
        }

        private string UniqueName(string stem)
        {
            var name = stem;
            for (var n = 1; !_usedNames.Add(name); n++)
            {
                name = $"{stem}_{n}";
            }

            return name;
        }

        private OnnxGraphEditException Unknown(string name, IEnumerable<string> candidates)
        {
            var nearest = candidates.Distinct(StringComparer.Ordinal)
                .Select(c => (Name: c, Distance: Math.Min(NearestNames.Distance(name, c), NearestNames.Distance(StripPrefix(name), StripPrefix(c)))))
                .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
                .Take(5).Select(c => c.Name);
            // The file by its name, not as a leading path: the backbone's loader puts the path in front
            // of this message, and "x.onnx: cannot load backbone ...: x.onnx: no tensor" said it twice.
            // "Nearest", not "close": for a name like none in the graph they are merely the least far.
            return new OnnxGraphEditException(
                $"no tensor or node \"{name}\" in {Path.GetFileName(_modelName)} (nearest names: {string.Join(", ", nearest)})");
        }

        /// <summary>
        /// The node <paramref name="name"/> names: "onnx_node!Name" (OpenCV's form) or the plain node
        /// name Netron shows; a tensor of that name was looked up first, so a name that is both
        /// means the tensor, as it would to ONNX Runtime.
        /// </summary>
        private static NodeProto? NodeNamed(string name, Dictionary<string, NodeProto> nodesByName) =>
            nodesByName.TryGetValue(StripPrefix(name), out var node) ? node : null;

        // "Relu_269" and "onnx_node!Relu_269" are the same layer to a reader; compare names without the prefix too.
        private static string StripPrefix(string name) => name.StartsWith(NodePrefix, StringComparison.Ordinal) ? name[NodePrefix.Length..] : name;

        private static TensorShapeProto.Types.Dimension? FirstDim(ValueInfoProto info) =>
            info.Type?.TensorType?.Shape?.Dim is { Count: > 0 } dims ? dims[0] : null;

        private static ValueInfoProto FromTensor(TensorProto tensor)
        {
            var shape = new TensorShapeProto();
            shape.Dim.AddRange(tensor.Dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            return new ValueInfoProto { Name = tensor.Name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = tensor.DataType, Shape = shape } } };
        }

        private static void RemoveWhere<T>(Google.Protobuf.Collections.RepeatedField<T> items, Func<T, bool> remove)
        {
            var kept = items.Where(i => !remove(i)).ToList();
            items.Clear();
            items.AddRange(kept);
        }

    }

    /// <summary>
    /// Element type and rank of a tensor from a cheap forward pass over common operators; enough to
    /// write a graph output with dimension 0 named when the model records no value_info.
    /// Rank -1 = unknown.
    /// </summary>
    private readonly record struct TypeGuess(int ElemType, int Rank)
    {
        private static readonly HashSet<string> SameShape = new(StringComparer.Ordinal)
        {
            "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu", "Selu", "Softplus", "Softsign", "Mish", "Gelu",
            "Clip", "Softmax", "LogSoftmax", "BatchNormalization", "InstanceNormalization", "LayerNormalization", "LRN", "Dropout", "Identity",
            "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos",
            "Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool", "Pad", "Resize", "Upsample",
            "Transpose", "Slice", "Concat", "Split", "DepthToSpace", "SpaceToDepth", "Tile", "Expand",
        };

        private static readonly HashSet<string> Broadcast = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean" };
        private static readonly HashSet<string> Compare = new(StringComparer.Ordinal) { "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor" };

        public ValueInfoProto ToValueInfo(string name)
        {
            var tensor = new TypeProto.Types.Tensor { ElemType = ElemType };
            if (Rank >= 0)
            {
                // Unknown sizes stay unset; only dimension 0 is named later, by the batch edit.
                tensor.Shape = new TensorShapeProto();
                for (var i = 0; i < Rank; i++)
                {
                    tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension());
                }
            }

            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
        }

        public static Dictionary<string, TypeGuess> Infer(GraphProto graph)
        {
            var known = new Dictionary<string, TypeGuess>(StringComparer.Ordinal);
            foreach (var info in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
            {
                if (info.Type?.TensorType is { ElemType: > 0 } tensor)
                {
                    known.TryAdd(info.Name, new TypeGuess(tensor.ElemType, tensor.Shape is null ? -1 : tensor.Shape.Dim.Count));
                }
            }

            foreach (var initializer in graph.Initializer)
            {
                known.TryAdd(initializer.Name, new TypeGuess(initializer.DataType, initializer.Dims.Count));
            }

            foreach (var node in graph.Node)
            {
                if (Guess(node, known, graph) is { } guess)
                {
                    foreach (var output in node.Output.Where(o => o.Length > 0))
                    {
                        known.TryAdd(output, guess);

                        // Only Split has several outputs alike; for others the first output is the one guessed.
                        if (node.OpType != "Split")
                        {
                            break;
                        }
                    }
                }
            }

            return known;
        }

        private static TensorProto? ConstantTensor(GraphProto graph, string name) =>
            graph.Initializer.FirstOrDefault(i => i.Name == name)
            ?? graph.Node.FirstOrDefault(n => n.OpType == "Constant" && n.Output.Contains(name))?.Attribute.FirstOrDefault(a => a.Name == "value")?.T;

        private static TypeGuess? Guess(NodeProto node, Dictionary<string, TypeGuess> known, GraphProto graph)
        {
            var inputs = node.Input.Select(i => i.Length > 0 && known.TryGetValue(i, out var g) ? g : (TypeGuess?)null).ToList();
            var first = inputs.Count > 0 ? inputs[0] : null;
            long Int(string name, long fallback) => node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;
            int AxesCount() => node.Attribute.FirstOrDefault(a => a.Name == "axes")?.Ints.Count
                ?? (node.Input.Count > 1 && ConstantTensor(graph, node.Input[1]) is { Dims.Count: 1 } axes ? (int)axes.Dims[0] : -1);

            switch (node.OpType)
            {
                case "Constant":
                    return node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } t ? new TypeGuess(t.DataType, t.Dims.Count) : null;
                case "Shape":
                    return new TypeGuess((int)TensorProto.Types.DataType.Int64, 1);
                case "Size":
                    return new TypeGuess((int)TensorProto.Types.DataType.Int64, 0);
                case "Cast":
                    return first is { } c ? new TypeGuess((int)Int("to", 0), c.Rank) : null;
                case "Flatten":
                case "Gemm":
                    return first is { } f ? new TypeGuess(f.ElemType, 2) : null;
                case "MatMul":
                    return first is { Rank: >= 2 } a && inputs.Count > 1 && inputs[1] is { Rank: >= 2 } b ? new TypeGuess(a.ElemType, Math.Max(a.Rank, b.Rank)) : null;
                case "Reshape":
                    // The output rank is the length of the shape tensor, known when that is an initializer or Constant.
                    return first is { } r && node.Input.Count > 1 && ConstantTensor(graph, node.Input[1]) is { Dims.Count: 1 } s
                        ? new TypeGuess(r.ElemType, (int)s.Dims[0]) : first is { } r2 ? new TypeGuess(r2.ElemType, -1) : null;
                case "Unsqueeze":
                    return first is { Rank: >= 0 } u && AxesCount() is >= 0 and var ua ? new TypeGuess(u.ElemType, u.Rank + ua) : null;
                case "Squeeze":
                    return first is { Rank: >= 0 } q && AxesCount() is >= 0 and var qa ? new TypeGuess(q.ElemType, q.Rank - qa) : first is { } q2 ? new TypeGuess(q2.ElemType, -1) : null;
                case "Gather":
                    return first is { Rank: >= 0 } data && inputs.Count > 1 && inputs[1] is { Rank: >= 0 } index ? new TypeGuess(data.ElemType, data.Rank + index.Rank - 1) : null;
                case "ArgMax":
                case "ArgMin":
                    return first is { } m ? new TypeGuess((int)TensorProto.Types.DataType.Int64, Int("keepdims", 1) != 0 ? m.Rank : m.Rank - 1) : null;
                case "Not":
                    return first;
                case "Where":
                    return inputs.Count == 3 && inputs.All(i => i is { Rank: >= 0 }) ? new TypeGuess(inputs[1]!.Value.ElemType, inputs.Max(i => i!.Value.Rank)) : null;
            }

            if (node.OpType.StartsWith("Reduce", StringComparison.Ordinal))
            {
                return first is { } red ? new TypeGuess(red.ElemType, Int("keepdims", 1) != 0 ? red.Rank : AxesCount() is >= 0 and var ra && red.Rank >= 0 ? red.Rank - ra : -1) : null;
            }

            if (SameShape.Contains(node.OpType))
            {
                return first;
            }

            if (Broadcast.Contains(node.OpType) || Compare.Contains(node.OpType))
            {
                if (first is not { } x || inputs.Any(i => i is null))
                {
                    return first is { } y ? new TypeGuess(y.ElemType, -1) : null;
                }

                var elem = Compare.Contains(node.OpType) ? (int)TensorProto.Types.DataType.Bool : x.ElemType;
                return new TypeGuess(elem, inputs.Any(i => i!.Value.Rank < 0) ? -1 : inputs.Max(i => i!.Value.Rank));
            }

            return null;
        }
    }
}
