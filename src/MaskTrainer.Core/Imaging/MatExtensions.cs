using OpenCvSharp;

namespace MaskTrainer.Imaging;

/// <summary>Spans over a Mat's pixels, checked: OpenCvSharp's <c>AsSpan</c> trusts the caller.</summary>
public static class MatExtensions
{
    /// <summary>The elements of a continuous 32-bit float Mat (any shape), without a copy.</summary>
    public static Span<float> GetFloats(this Mat mat)
    {
        ArgumentNullException.ThrowIfNull(mat);
        if (mat.Depth() != MatType.CV_32F)
        {
            throw new InvalidOperationException($"GetFloats needs a 32-bit float Mat, this one is {mat.Type()}");
        }

        return Continuous(mat).AsSpan<float>();
    }

    /// <summary>The bytes of a continuous Mat (any type), without a copy.</summary>
    public static Span<byte> GetBytes(this Mat mat)
    {
        ArgumentNullException.ThrowIfNull(mat);
        return Continuous(mat).AsSpan<byte>();
    }

    /// <summary>A new Mat holding a copy of <paramref name="data"/> (rows x cols of <paramref name="type"/>).</summary>
    public static unsafe Mat FromPixels(ReadOnlySpan<byte> data, int rows, int cols, MatType type)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        var mat = new Mat(rows, cols, type);
        var expected = (long)rows * cols * mat.ElemSize();
        if (data.Length != expected)
        {
            mat.Dispose();
            throw new ArgumentException($"{rows}x{cols} {type} needs {expected} bytes, got {data.Length}", nameof(data));
        }

        data.CopyTo(mat.AsSpan<byte>());
        return mat;
    }

    // AsSpan silently returns an empty span over a region view; say so instead.
    private static Mat Continuous(Mat mat) => mat.IsContinuous()
        ? mat
        : throw new InvalidOperationException("the Mat's data is not continuous (a region view?): Clone it first");
}
