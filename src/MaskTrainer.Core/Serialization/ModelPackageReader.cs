using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using MaskTrainer.Training;

namespace MaskTrainer.Serialization;

/// <summary>
/// Reads and verifies a model zip. Order matters: entry names are checked before anything is
/// read, the manifest before any other entry, sizes before contents, and every byte is hashed
/// as it is read, so a hostile file is refused before it can cost disk space or escape a folder.
/// </summary>
internal sealed class ModelPackageReader : IDisposable
{
    /// <summary>manifest.json is not listed in itself, so it gets a fixed cap instead.</summary>
    private const long MaxManifestBytes = 16L << 20;

    private readonly string _path;
    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;

    private ModelPackageReader(string path)
    {
        _path = path;
        try
        {
            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail("model file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail($"cannot open the model file ({e.Message})", e);
        }

        try
        {
            _zip = new ZipArchive(_file, ZipArchiveMode.Read, leaveOpen: false);
            _entries = IndexEntries();
        }
        catch (InvalidDataException e)
        {
            _file.Dispose();
            throw Fail("not a model file: not a valid zip archive (truncated or corrupt)", e);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public static ModelManifest ReadManifestOnly(string path)
    {
        using var reader = new ModelPackageReader(path);
        return reader.Guard(reader.ReadManifest);
    }

    public static LoadedModelPackage Load(string path, LoadOptions options)
    {
        using var reader = new ModelPackageReader(path);
        return reader.Guard(() => reader.LoadCore(options));
    }

    public void Dispose()
    {
        _zip.Dispose();
        _file.Dispose();
    }

    /// <summary>The model file as the caller named it.</summary>
    internal string SourcePath => _path;

    internal ModelFileException Fail(string problem, Exception? inner = null) => new(_path, problem, inner);

    /// <summary>Turns low-level read errors in the middle of a load into one-line model file errors.</summary>
    private T Guard<T>(Func<T> body)
    {
        try
        {
            return body();
        }
        catch (InvalidDataException e)
        {
            throw Fail($"zip data is corrupt ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw Fail($"manifest.json is not valid ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw Fail($"cannot be read or extracted ({e.Message})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Fail($"cannot be extracted ({e.Message})", e);
        }
    }

    private LoadedModelPackage LoadCore(LoadOptions options)
    {
        var manifest = ReadManifest();
        CheckEntryList(manifest, options);
        var tensors = ReadHeadTensors(manifest);
        VerifyPlainEntries(manifest);
        return BackboneExtractor.Provide(this, manifest, tensors, options);
    }

    /// <summary>Every name is checked before any entry is opened; one bad name refuses the whole file.</summary>
    private Dictionary<string, ZipArchiveEntry> IndexEntries()
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in _zip.Entries)
        {
            if (!EntryNames.IsSafePath(entry.FullName))
            {
                throw Fail($"refused: entry '{entry.FullName}' has an unsafe name (absolute path, '..' or backslash)");
            }

            if (!entries.TryAdd(entry.FullName, entry))
            {
                throw Fail($"refused: entry {entry.FullName} appears more than once");
            }
        }

        return entries;
    }

    private ModelManifest ReadManifest()
    {
        if (!_entries.TryGetValue(EntryNames.Manifest, out var entry))
        {
            throw Fail("not a model file: manifest.json is missing");
        }

        if (entry.Length > MaxManifestBytes)
        {
            throw Fail($"manifest.json is implausibly large ({entry.Length} bytes)");
        }

        var bytes = new byte[entry.Length];
        using (var stream = entry.Open())
        {
            ReadExactly(stream, bytes, entry.FullName);
        }

        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("formatVersion", out var versionElement)
            || !versionElement.TryGetInt32(out var version))
        {
            throw Fail("manifest.json has no formatVersion");
        }

        if (version != ModelManifest.CurrentFormatVersion)
        {
            var advice = version > ModelManifest.CurrentFormatVersion ? " — upgrade MaskTrainer" : "";
            throw Fail($"was written by format version {version}; this MaskTrainer reads version {ModelManifest.CurrentFormatVersion}{advice}");
        }

        var manifest = ModelJson.Deserialize<ModelManifest>(root)
            ?? throw Fail("manifest.json is empty");
        if (ManifestValidator.Problem(manifest) is { } problem)
        {
            throw Fail(problem);
        }

        return manifest;
    }

    /// <summary>The zip must hold exactly the entries the manifest vouches for, at the declared sizes.</summary>
    private void CheckEntryList(ModelManifest manifest, LoadOptions options)
    {
        var declared = new Dictionary<string, PackageEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in manifest.Entries)
        {
            declared.Add(item.Path, item);
        }

        foreach (var entry in _entries.Values)
        {
            if (entry.FullName != EntryNames.Manifest && !declared.ContainsKey(entry.FullName))
            {
                throw Fail($"entry {entry.FullName} is not listed in the manifest (modified?)");
            }
        }

        foreach (var item in manifest.Entries)
        {
            if (!_entries.TryGetValue(item.Path, out var entry) || entry.FullName != item.Path)
            {
                throw Fail($"entry {item.Path} is missing (truncated or modified)");
            }

            if (item.Size > options.MaxEntryBytes)
            {
                throw Fail($"entry {item.Path} declares {item.Size} bytes, over the {options.MaxEntryBytes}-byte limit");
            }

            // The zip directory's own size must agree with the manifest: this is what stops a
            // small entry from inflating to gigabytes (the reads below are also capped).
            if (entry.Length != item.Size)
            {
                throw Fail($"entry {item.Path} holds {entry.Length} bytes but the manifest declares {item.Size} (corrupt, modified or a zip bomb)");
            }
        }

        foreach (var tensor in manifest.Head.Tensors)
        {
            if (!declared.TryGetValue(tensor.File, out var item) || item.Sha256 != tensor.Sha256)
            {
                throw Fail($"head tensor '{tensor.Name}' does not match entry {tensor.File} (modified?)");
            }

            var expectedBytes = Product(tensor.Shape) * sizeof(float);
            if (item.Size != expectedBytes)
            {
                throw Fail($"head tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}] ({expectedBytes} bytes) but entry {tensor.File} holds {item.Size} bytes");
            }
        }

        foreach (var file in manifest.Backbone.Files)
        {
            var path = EntryNames.BackbonePath(file.Name);
            var present = declared.TryGetValue(path, out var item);
            if (manifest.Backbone.Embedded && (!present || item!.Sha256 != file.Sha256 || item.Size != file.Size))
            {
                throw Fail($"backbone file '{file.Name}' does not match entry {path} (modified?)");
            }
        }
    }

    private List<NamedTensor> ReadHeadTensors(ModelManifest manifest)
    {
        var tensors = new List<NamedTensor>(manifest.Head.Tensors.Count);
        foreach (var info in manifest.Head.Tensors)
        {
            var entry = _entries[info.File];
            var data = new float[Product(info.Shape)];
            var bytes = MemoryMarshal.AsBytes(data.AsSpan());
            using (var stream = entry.Open())
            {
                ReadExactly(stream, bytes, info.File);
            }

            CheckHash(info.File, info.Sha256, SHA256.HashData(bytes));
            if (!BitConverter.IsLittleEndian)
            {
                var ints = MemoryMarshal.Cast<float, int>(data.AsSpan());
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(ints, ints);
            }

            tensors.Add(new NamedTensor(info.Name, (int[])info.Shape.Clone(), data));
        }

        return tensors;
    }

    /// <summary>Entries that are neither head nor backbone (metrics.json, future additions) are hash-checked too.</summary>
    private void VerifyPlainEntries(ModelManifest manifest)
    {
        foreach (var item in manifest.Entries)
        {
            if (item.Path.StartsWith(EntryNames.HeadFolder, StringComparison.Ordinal)
                || item.Path.StartsWith(EntryNames.BackboneFolder, StringComparison.Ordinal))
            {
                continue;
            }

            CopyVerified(_entries[item.Path], item, target: null);
        }
    }

    internal ZipArchiveEntry Entry(string path) => _entries[path];

    /// <summary>
    /// Streams an entry into <paramref name="target"/> (or nowhere), never reading past its
    /// declared size, and fails unless the bytes hash to the declared SHA-256.
    /// </summary>
    internal void CopyVerified(ZipArchiveEntry entry, PackageEntry declared, Stream? target)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long total = 0;
        using (var source = entry.Open())
        {
            int read;
            while ((read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, declared.Size - total + 1))) > 0)
            {
                total += read;
                if (total > declared.Size)
                {
                    throw Fail($"entry {declared.Path} expands beyond its declared {declared.Size} bytes (corrupt or a zip bomb)");
                }

                hash.AppendData(buffer, 0, read);
                target?.Write(buffer, 0, read);
            }
        }

        if (total != declared.Size)
        {
            throw Fail($"entry {declared.Path} is truncated ({total} of {declared.Size} bytes)");
        }

        CheckHash(declared.Path, declared.Sha256, hash.GetHashAndReset());
    }

    private void CheckHash(string entryPath, string expectedHex, ReadOnlySpan<byte> actual)
    {
        if (!string.Equals(Convert.ToHexStringLower(actual), expectedHex, StringComparison.Ordinal))
        {
            throw Fail($"entry {entryPath} is corrupt or was modified (SHA-256 mismatch)");
        }
    }

    /// <summary>Fills <paramref name="buffer"/> and insists the entry ends right there.</summary>
    private void ReadExactly(Stream stream, Span<byte> buffer, string entryPath)
    {
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
        {
            throw Fail($"entry {entryPath} is truncated ({read} of {buffer.Length} bytes)");
        }

        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            throw Fail($"entry {entryPath} expands beyond its declared {buffer.Length} bytes (corrupt or a zip bomb)");
        }
    }

    private static long Product(int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }
}
