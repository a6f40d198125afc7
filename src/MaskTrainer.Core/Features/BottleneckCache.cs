using MaskTrainer.Data;
using MaskTrainer.Model;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace MaskTrainer.Features;

/// <summary>
/// Backbone features ("bottlenecks") cached on disk, one small file per image and copy:
/// <c>&lt;workspace&gt;/features/&lt;backbone&gt;/&lt;face crop&gt;/&lt;content hash&gt;.0.f32</c> for the
/// image itself and <c>.../&lt;face crop&gt;/aug-&lt;augmentation&gt;/&lt;content hash&gt;.&lt;k&gt;.f32</c> for
/// augmented copy k, where each folder name is a short hash of the key (the full key is in its
/// <c>key.txt</c>). One file per entry keeps every write independent: an entry is written to a
/// temporary file and renamed into place, so an interrupted run keeps everything finished
/// before it and never leaves a half-written entry under its final name. A file with a bad
/// header, length or checksum is a miss and is overwritten by the next <see cref="Write"/>.
/// An entry that cannot be written (a folder in its place, a full disk) is not cached: the run
/// goes on with the features it computed and is told once. Safe for concurrent use by threads and processes.
/// </summary>
public sealed class BottleneckCache
{
    /// <summary>Sub-folder of the workspace that holds the cache.</summary>
    public const string FolderName = "features";

    /// <summary>Entry file extension.</summary>
    public const string Extension = ".f32";

    // Header: magic "MTF2", float count, tag, reserved, 64-bit checksum of the 16 bytes before it and
    // the floats; then the floats (little-endian). The magic is the format's version: "MTF1" entries,
    // whose checksum left the header out (a flipped face-found tag was read as true), are misses,
    // recomputed and replaced by the next write.
    private const int HeaderSize = 24;
    private const int CheckedHeaderSize = 16;
    private const uint Magic = 0x3246544D; // "MTF2" read as little-endian

    private static readonly SearchValues<char> HashCharacters =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private readonly ConcurrentDictionary<(string, string, string?), string> _folders = new();
    private readonly Action<string>? _onWarning;
    private int _warned;

    /// <summary>A cache under <c>&lt;workspace&gt;/features</c>; folders are created on first write.</summary>
    /// <param name="workspace">The workspace folder.</param>
    /// <param name="onWarning">Told once, in one line, when an entry cannot be written; null = not told.</param>
    public BottleneckCache(string workspace, Action<string>? onWarning = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspace);
        Workspace = workspace;
        Root = Path.GetFullPath(Path.Combine(workspace, FolderName));
        _onWarning = onWarning;
    }

    /// <summary>The workspace folder, as given.</summary>
    public string Workspace { get; }

    /// <summary>The cache folder, <c>&lt;workspace&gt;/features</c>.</summary>
    public string Root { get; }

    /// <summary>
    /// Creates <see cref="Root"/>, so that a workspace that can never hold the cache (a file, or a
    /// path under one: a mistake on the command line) fails in one line before any featurizing, not
    /// at the first entry in the middle of a parallel read. A folder that exists, or could, but
    /// cannot be written (a read-only mount, not yours, a full disk) is no error, whether or not it
    /// exists yet: a cache is worth no failed run, so the run featurizes without caching, reads what
    /// is cached there, and the warning callback is told once, at the first entry (<see cref="Write"/>).
    /// (A new workspace on a read-only mount was an error while an existing one there was this warning.)
    /// </summary>
    /// <exception cref="IOException">A file is in the workspace's way; the message names it.</exception>
    public void CheckWritable()
    {
        try
        {
            Directory.CreateDirectory(Root);
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && FilePaths.FileInTheWay(Root) is not null)
        {
            throw new IOException($"workspace '{Workspace}' cannot hold the feature cache: {Problem(e)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Read-only, not ours, full: told by the first entry that cannot be written.
        }
    }

    /// <summary>Why <see cref="Root"/> cannot be written, in a few words.</summary>
    private string Problem(Exception e)
    {
        // A file on the way (`--workspace some.file`, /dev/null/ws): the system's message would name a
        // folder the user never typed ("Could not find a part of the path .../features").
        return FilePaths.FileInTheWay(Root) is { } file ? $"'{file}' is a file, not a folder"
            : e is UnauthorizedAccessException ? "permission denied" : e.Message;
    }

    /// <summary>Where the entry for <paramref name="key"/> lives (whether or not it exists).</summary>
    public string GetPath(FeatureKey key)
    {
        Validate(key);
        bool augmented = key.AugmentIndex > 0;
        var folder = _folders.GetOrAdd((key.BackboneKey, key.FaceCropKey, augmented ? key.AugmentationKey : null), FolderFor);
        return Path.Combine(folder, $"{key.ContentHash}.{key.AugmentIndex}{Extension}");
    }

    /// <summary>Reads the entry for <paramref name="key"/> into <paramref name="features"/>; false (a miss) when absent or invalid.</summary>
    public bool TryRead(FeatureKey key, Span<float> features) => TryRead(key, features, out _);

    /// <summary>
    /// Reads the entry for <paramref name="key"/> into <paramref name="features"/>. False (a miss)
    /// when there is no entry, or it is truncated, corrupt or holds a different number of values;
    /// <paramref name="features"/> may then have been overwritten.
    /// </summary>
    /// <param name="key">The entry.</param>
    /// <param name="features">Exactly the expected number of values.</param>
    /// <param name="tag">The 32-bit value stored with the entry by <see cref="Write"/>.</param>
    public bool TryRead(FeatureKey key, Span<float> features, out int tag)
    {
        tag = 0;
        string path = GetPath(key);
        var payload = MemoryMarshal.AsBytes(features);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            if (RandomAccess.GetLength(handle) != HeaderSize + (long)payload.Length)
            {
                return false;
            }

            Span<byte> header = stackalloc byte[HeaderSize];
            if (RandomAccess.Read(handle, header, 0) != HeaderSize
                || RandomAccess.Read(handle, payload, HeaderSize) != payload.Length)
            {
                return false;
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic
                || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != features.Length
                || BinaryPrimitives.ReadUInt64LittleEndian(header[CheckedHeaderSize..]) != Checksum(header[..CheckedHeaderSize], payload))
            {
                return false;
            }

            tag = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            if (!BitConverter.IsLittleEndian)
            {
                ReverseFloats(features);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Missing, being replaced, or unreadable: recompute it.
            return false;
        }
    }

    /// <summary>
    /// Stores <paramref name="features"/> (and an optional <paramref name="tag"/>, e.g. whether a
    /// face was found) for <paramref name="key"/>, replacing any previous entry atomically. False
    /// when the entry cannot be written: the features are not cached, and the first such failure
    /// is told to the warning callback (a cache is worth no failed run).
    /// </summary>
    public bool Write(FeatureKey key, ReadOnlySpan<float> features, int tag = 0)
    {
        string path = GetPath(key);
        var buffer = new byte[HeaderSize + features.Length * sizeof(float)];
        var payload = buffer.AsSpan(HeaderSize);
        MemoryMarshal.AsBytes(features).CopyTo(payload);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseFloats(MemoryMarshal.Cast<byte, float>(payload));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(buffer, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), features.Length);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(8), tag);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(CheckedHeaderSize), Checksum(buffer.AsSpan(0, CheckedHeaderSize), payload));
        return TryWrite(path, buffer);
    }

    /// <summary>
    /// Writes a cache file; false, and the first failure told, when it cannot be written. An empty
    /// folder in its place (the rename cannot replace it) is damage like a truncated entry and is
    /// replaced; a folder with something in it is left alone: it is not ours to delete.
    /// </summary>
    private bool TryWrite(string path, byte[] bytes)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                WriteAtomically(path, bytes);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (attempt == 0 && Directory.Exists(path) && TryDeleteEmptyFolder(path))
                {
                    continue;
                }

                WarnOnce(path, e);
                return false;
            }
        }
    }

    private static bool TryDeleteEmptyFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The first write failure of this cache, in one line; later ones would repeat it for every image.</summary>
    private void WarnOnce(string path, Exception e)
    {
        if (_onWarning is null || Interlocked.Exchange(ref _warned, 1) != 0)
        {
            return;
        }

        string why = Directory.Exists(path) ? "a folder with files in it is in its place"
            : FilePaths.FileInTheWay(path) is { } file ? $"'{file}' is a file, not a folder"
            : FilePaths.WhyNotWritten(e, Path.GetDirectoryName(path)!);
        _onWarning($"feature cache: {path} could not be written ({why}); this run uses the features it computes without caching them (said once)");
    }

    /// <summary>Short, file-name-safe digest of a key: 16 hex digits of its SHA-256.</summary>
    public static string Digest(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    private string FolderFor((string Backbone, string FaceCrop, string? Augmentation) key)
    {
        string folder = Level(Root, "", key.Backbone);
        folder = Level(folder, "", key.FaceCrop);
        return key.Augmentation is null ? folder : Level(folder, "aug-", key.Augmentation);
    }

    /// <summary>
    /// The hashed sub-folder for one key, created with a key.txt naming the key in full. One that
    /// cannot be made is told as an entry is (<see cref="TryWrite"/>): its entries are then misses.
    /// The temp files a killed run left in it are deleted as it is first used (those of processes still
    /// writing are kept: several runs may share a workspace).
    /// </summary>
    private string Level(string parent, string prefix, string key)
    {
        string folder = Path.Combine(parent, prefix + Digest(key));
        string keyFile = Path.Combine(folder, "key.txt");
        AtomicFile.DeleteStaleIn(folder);
        if (!File.Exists(keyFile))
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WarnOnce(keyFile, e); // the file it was made for: FileInTheWay then names a file in the folder's place
                return folder;
            }

            TryWrite(keyFile, Encoding.UTF8.GetBytes(key + "\n"));
        }

        return folder;
    }

    /// <summary>
    /// A cache entry is written whole or not at all, without waiting for the disk (it can be made
    /// again); the folder is created again if the cache was cleared under a running job.
    /// </summary>
    private static void WriteAtomically(string path, byte[] bytes) => AtomicFile.Write(path, bytes, flushToDisk: false);

    private static void Validate(FeatureKey key)
    {
        ArgumentNullException.ThrowIfNull(key.BackboneKey, nameof(key));
        ArgumentNullException.ThrowIfNull(key.FaceCropKey, nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(key.AugmentIndex, nameof(key));
        if (key.AugmentIndex > 0 && key.AugmentationKey is null)
        {
            throw new ArgumentException($"augmented copy {key.AugmentIndex} needs an augmentation key", nameof(key));
        }

        // The content hash becomes a file name: letters and digits only, so it cannot leave the folder.
        var hash = key.ContentHash;
        if (string.IsNullOrEmpty(hash) || hash.Length > 128 || hash.AsSpan().ContainsAnyExcept(HashCharacters))
        {
            throw new ArgumentException($"content hash '{hash}' must be 1-128 letters or digits (a hex SHA-256)", nameof(key));
        }
    }

    /// <summary>
    /// FNV-1a over 64-bit words plus the length, of the header's fields and then the floats: catches
    /// truncation and flipped bits anywhere in the entry (the tag too), not tampering.
    /// </summary>
    private static ulong Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        ulong h = 14695981039346656037UL ^ (ulong)(header.Length + payload.Length);
        h = Fold(h, header);
        return Fold(h, payload);
    }

    private static ulong Fold(ulong h, ReadOnlySpan<byte> bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong w in words)
        {
            h = (h ^ w) * 1099511628211UL;
        }

        for (int i = words.Length * sizeof(ulong); i < bytes.Length; i++)
        {
            h = (h ^ bytes[i]) * 1099511628211UL;
        }

        return h;
    }

    private static void ReverseFloats(Span<float> values)
    {
        var ints = MemoryMarshal.Cast<float, int>(values);
        BinaryPrimitives.ReverseEndianness(ints, ints);
    }
}
