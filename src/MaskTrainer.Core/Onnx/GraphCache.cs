using System.Security.Cryptography;
using MaskTrainer.Data;

namespace MaskTrainer.Onnx;

/// <summary>
/// The graphs this tool makes (res10 converted to ONNX, the 8-bit ResNet pixel graph, backbones
/// cut at their feature layer) are cached under names keyed by their sources, and each has a sidecar
/// <c>&lt;graph&gt;.sha256</c> with the hash of the bytes written. A graph is reused only when
/// its bytes still have that hash: a bit-rotted or truncated copy would otherwise fail deep in
/// ONNX Runtime ("right > left") or be embedded in a model zip. Hashing on every reuse costs about
/// as much as reading the graph into ONNX Runtime (tens of ms for a cut float backbone), next to what it guards.
/// </summary>
internal static class GraphCache
{
    /// <summary>Sidecar path of a cached graph.</summary>
    public static string SidecarPath(string graph) => graph + ".sha256";

    /// <summary>True when <paramref name="graph"/> exists and its bytes have the hash recorded when it was written.</summary>
    public static bool IsIntact(string graph) => Check(graph, out _) is null;

    /// <summary>
    /// Null when <paramref name="graph"/> is intact; else what is wrong (missing, no recorded hash,
    /// other bytes). <paramref name="actual"/> is the hash of its bytes when they were read.
    /// </summary>
    public static string? Check(string graph, out string? actual)
    {
        actual = null;
        try
        {
            if (!File.Exists(graph))
            {
                return "missing";
            }

            var sidecar = SidecarPath(graph);
            if (!File.Exists(sidecar))
            {
                return "no recorded SHA-256";
            }

            var recorded = File.ReadAllText(sidecar).Trim();
            actual = Models.FileHasher.Sha256(graph); // streamed: a cut float backbone is up to ~100 MB
            return actual == recorded ? null : $"SHA-256 {actual[..12]}…, written as {(recorded.Length >= 12 ? recorded[..12] : recorded)}…";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"unreadable ({e.Message})";
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="graph"/> (replacing a bad copy) and records their hash.</summary>
    public static void Write(string graph, byte[] bytes)
    {
        // The sidecar goes first: a graph whose sidecar is older than the graph would still be
        // found intact only if the bytes are the same, which is all that matters.
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes)) + "\n";
        OnnxGraphEdit.WriteAtomically(SidecarPath(graph), System.Text.Encoding.ASCII.GetBytes(hash), replace: true);
        OnnxGraphEdit.WriteAtomically(graph, bytes, replace: File.Exists(graph));
    }

    /// <summary>Deletes a cached graph and its sidecar (best effort: the next use rebuilds it anyway).</summary>
    public static void Delete(string graph)
    {
        FilePaths.TryDelete(graph);
        FilePaths.TryDelete(SidecarPath(graph));
    }
}
