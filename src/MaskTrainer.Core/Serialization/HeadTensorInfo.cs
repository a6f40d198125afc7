namespace MaskTrainer.Serialization;

/// <summary>
/// One head tensor as stored: <paramref name="File"/> is <c>head/&lt;Name&gt;.bin</c>, raw
/// little-endian float32 in row-major order, exactly <c>4 * product(Shape)</c> bytes.
/// </summary>
public sealed record HeadTensorInfo(string Name, int[] Shape, string File, string Sha256);
